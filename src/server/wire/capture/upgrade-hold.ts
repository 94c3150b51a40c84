import { CaptureConfused, httpLimits } from './http-framing.ts'

/** Bytes that came after an Upgrade request, held until the server says whether it switches. */
export class UpgradeHold {
  #held: { chunk: Buffer; at: number }[] = []
  #heldBytes = 0

  /** Keeps a copy of `chunk`; throws `CaptureConfused` past a head's worth of bytes. */
  hold(chunk: Buffer, at: number): void {
    this.#heldBytes += chunk.length
    if (this.#heldBytes > httpLimits.maxHeadBytes) throw new CaptureConfused('too much data before the upgrade answer')
    this.#held.push({ chunk: Buffer.from(chunk), at })
  }

  /** What was held, oldest first; the hold is empty after. */
  release(): { chunk: Buffer; at: number }[] {
    const held = this.#held
    this.#held = []
    this.#heldBytes = 0
    return held
  }
}
