/** The 24 bytes a client sends first on every HTTP/2 connection (RFC 9113 §3.4), before any frame. */
export const connectionPreface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')

/** Every frame starts with this many bytes: 24-bit length, type, flags, reserved bit + 31-bit stream id. */
export const frameHeaderBytes = 9

/** Frame type codes (RFC 9113 §6), by index. */
export const frameTypeNames = [
  'DATA',
  'HEADERS',
  'PRIORITY',
  'RST_STREAM',
  'SETTINGS',
  'PUSH_PROMISE',
  'PING',
  'GOAWAY',
  'WINDOW_UPDATE',
  'CONTINUATION'
] as const

/** One HTTP/2 frame as read off the connection. */
export interface Frame {
  /** The type code: an index into `frameTypeNames` (higher codes are extensions). */
  type: number
  flags: number
  /** 0 for the connection's own frames (SETTINGS, PING, GOAWAY, connection WINDOW_UPDATE). */
  streamId: number
  /** The payload's length: the frame takes `frameHeaderBytes + length` bytes on the connection. */
  length: number
  payload: Buffer
}

/** Where a reader hands what it has read. */
export interface FrameListener {
  frame(frame: Frame): void
  /** The client's connection preface, once, before its first frame (only when reading the client's side). */
  preface?(bytes: number): void
}

/**
 * Reads HTTP/2 frames out of one direction of a connection's plaintext, whatever the chunking: a
 * frame split over chunks is handed over once whole, several in one chunk one by one. Reading what
 * the client sends, it first steps over the connection preface. It reads only the frame header; what
 * a payload means (HPACK, padding) is for the listener.
 */
export class FrameReader {
  #listener: FrameListener
  #prefaceLeft: number
  /** Bytes of frames not yet whole, in arrival order; joined only once a frame is complete. */
  #pending: Buffer[] = []
  #pendingBytes = 0

  constructor(listener: FrameListener, { clientSide }: { clientSide: boolean }) {
    this.#listener = listener
    this.#prefaceLeft = clientSide ? connectionPreface.length : 0
  }

  /** Reads the next bytes of this direction, as they pass. */
  push(chunk: Buffer): void {
    let data = chunk
    if (this.#prefaceLeft > 0) {
      const skipped = Math.min(this.#prefaceLeft, data.length)
      this.#prefaceLeft -= skipped
      data = data.subarray(skipped)
      if (this.#prefaceLeft > 0) return
      this.#listener.preface?.(connectionPreface.length)
    }
    if (data.length === 0) return
    this.#pending.push(data)
    this.#pendingBytes += data.length
    if (this.#pendingBytes < this.#nextFrameBytes()) return
    const joined = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending)
    let at = 0
    while (joined.length - at >= frameHeaderBytes) {
      const length = joined.readUIntBE(at, 3)
      const end = at + frameHeaderBytes + length
      if (end > joined.length) break
      this.#listener.frame({
        type: joined[at + 3] as number,
        flags: joined[at + 4] as number,
        streamId: joined.readUInt32BE(at + 5) & 0x7fffffff,
        length,
        payload: joined.subarray(at + frameHeaderBytes, end)
      })
      at = end
    }
    const rest = joined.subarray(at)
    this.#pending = rest.length > 0 ? [rest] : []
    this.#pendingBytes = rest.length
  }

  /** Bytes the next frame needs in all (its header first, when even that has not arrived whole). */
  #nextFrameBytes(): number {
    const [first] = this.#pending
    if (!first) return frameHeaderBytes
    if (first.length >= 3) return frameHeaderBytes + first.readUIntBE(0, 3)
    // The length itself is split over chunks: read it across them.
    const head = Buffer.concat(this.#pending).subarray(0, 3)
    return head.length < 3 ? frameHeaderBytes : frameHeaderBytes + head.readUIntBE(0, 3)
  }
}

/** The frame's type name, or `UNKNOWN(code)` for an extension type. */
export function frameTypeName(type: number): string {
  return frameTypeNames[type] ?? `UNKNOWN(${type})`
}
