import { isUtf8 } from 'node:buffer'
import { type FrameItem, opcodeNames } from '../../../shared/capture.ts'

/** What one frame's own bytes tell; the capture adds whose it was, on which connection and the direction. */
export type DecodedFrame = Omit<FrameItem, 'seq' | 'technique' | 'connection' | 'simulatedRttMs' | 'kind' | 'direction'>

/** How much of a frame is kept: the rest of a big payload is only counted. */
export const frameLimits = { payloadBytes: 1024, hexBytes: 32 } as const

const opcodes = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const

/** A frame whose header has been read and whose payload is arriving. */
interface FrameInProgress {
  frame: Omit<DecodedFrame, 'payload' | 'hex' | 'truncated'>
  maskingKey: Buffer | undefined
  /** The first `frameLimits.payloadBytes` of the payload, still masked as on the wire. */
  kept: Buffer
  keptLength: number
  /** Payload bytes not arrived yet. */
  remaining: number
  /** The frame's first bytes exactly as on the wire (header, then masked payload). */
  hex: Buffer
  hexLength: number
}

/**
 * Frames the server wrote whole, decoded once: the fan-out writes the same frame `Buffer` to every
 * socket, so a lecture hall's captured pages share one decoding per event instead of one each.
 * Keyed by the buffer itself (weakly: a frame no longer written is forgotten with its buffer).
 */
const decodedOnce = new WeakMap<Buffer, DecodedFrame>()

/**
 * Decodes RFC 6455 frames from one direction of a connection, fed in whatever
 * pieces TCP delivered them (a header may be split across any byte boundary).
 * It holds at most a header and the first KiB of a payload: a frame that declares
 * gigabytes is counted as it passes, never buffered.
 */
export class FrameDecoder {
  #onFrame: (frame: DecodedFrame) => void
  /** Header bytes so far: 2 to 14 of them. */
  #header = Buffer.alloc(14)
  #headerLength = 0
  #headerAt = 0
  #current: FrameInProgress | undefined
  /** Opcode of the fragmented message in progress, so its continuation frames are shown the same way. */
  #messageOpcode: number = opcodes.continuation

  constructor(onFrame: (frame: DecodedFrame) => void) {
    this.#onFrame = onFrame
  }

  /** Bytes the decoder holds right now (a header and at most the first KiB of a payload). */
  get heldBytes(): number {
    return this.#headerLength + (this.#current ? this.#current.keptLength + this.#current.hexLength : 0)
  }

  /** Feeds the next bytes of this direction, read or written at `at` (epoch ms). */
  push(chunk: Buffer, at: number): void {
    if (this.#pushDecodedOnce(chunk, at)) return
    let offset = 0
    while (offset < chunk.length) {
      offset = this.#current ? this.#readPayload(chunk, offset) : this.#readHeader(chunk, offset, at)
    }
  }

  /**
   * A chunk that is exactly one unmasked, final text or binary frame, arriving between frames, is
   * decoded once per buffer (see `decodedOnce`); each socket's item differs only in its time.
   */
  #pushDecodedOnce(chunk: Buffer, at: number): boolean {
    if (this.#current || this.#headerLength > 0) return false
    let decoded = decodedOnce.get(chunk)
    if (!decoded) {
      if (chunk.length < 2 || !isWholeFinalDataFrame(chunk)) return false
      let only: DecodedFrame | undefined
      const onFrame = this.#onFrame
      this.#onFrame = (frame) => {
        only = frame
      }
      try {
        this.#readHeader(chunk, 0, at)
        if (this.#current) this.#readPayload(chunk, headerSize(chunk))
      } finally {
        this.#onFrame = onFrame
      }
      if (!only) return false
      decoded = only
      decodedOnce.set(chunk, decoded)
    }
    this.#messageOpcode = opcodes.continuation
    this.#onFrame(copyAt(decoded, at))
    return true
  }

  #readHeader(chunk: Buffer, offset: number, at: number): number {
    if (this.#headerLength === 0) this.#headerAt = at
    const header = this.#header
    while (offset < chunk.length) {
      header[this.#headerLength++] = chunk[offset++] as number
      if (this.#headerLength < 2) continue
      const needed = headerSize(header)
      if (this.#headerLength < needed) continue
      this.#startFrame(needed)
      return offset
    }
    return offset
  }

  #startFrame(headerBytes: number): void {
    const header = this.#header
    const first = header[0] as number
    const second = header[1] as number
    const opcode = first & 0x0f
    const masked = (second & 0x80) !== 0
    const length7 = second & 0x7f
    const lengthForm = length7 === 126 ? 16 : length7 === 127 ? 64 : 7
    const payloadLength = payloadLengthOf(header)
    const maskingKey = masked ? Buffer.from(header.subarray(headerBytes - 4, headerBytes)) : undefined
    const hex = Buffer.alloc(frameLimits.hexBytes)
    const hexLength = header.copy(hex, 0, 0, Math.min(headerBytes, frameLimits.hexBytes))
    this.#current = {
      frame: {
        at: this.#headerAt,
        fin: (first & 0x80) !== 0,
        rsv1: (first & 0x40) !== 0,
        rsv2: (first & 0x20) !== 0,
        rsv3: (first & 0x10) !== 0,
        opcode,
        opcodeName: opcodeNames.get(opcode) ?? 'reserved',
        masked,
        maskingKey: maskingKey?.toString('hex'),
        payloadLength,
        lengthForm,
        headerBytes
      },
      maskingKey,
      kept: Buffer.alloc(Math.min(payloadLength, frameLimits.payloadBytes)),
      keptLength: 0,
      remaining: payloadLength,
      hex,
      hexLength
    }
    this.#headerLength = 0
    if (payloadLength === 0) this.#finishFrame()
  }

  #readPayload(chunk: Buffer, offset: number): number {
    const current = this.#current as FrameInProgress
    const take = Math.min(current.remaining, chunk.length - offset)
    const piece = chunk.subarray(offset, offset + take)
    if (current.keptLength < current.kept.length) current.keptLength += piece.copy(current.kept, current.keptLength)
    if (current.hexLength < frameLimits.hexBytes) current.hexLength += piece.copy(current.hex, current.hexLength)
    current.remaining -= take
    if (current.remaining === 0) this.#finishFrame()
    return offset + take
  }

  #finishFrame(): void {
    const current = this.#current as FrameInProgress
    this.#current = undefined
    const { frame } = current
    const payload = current.kept.subarray(0, current.keptLength)
    if (current.maskingKey) unmask(payload, current.maskingKey)

    // Continuation frames carry the rest of a text or binary message: show them as that message's type.
    let shownAs = frame.opcode
    if (frame.opcode === opcodes.continuation) shownAs = this.#messageOpcode
    else if (frame.opcode === opcodes.text || frame.opcode === opcodes.binary) this.#messageOpcode = frame.opcode
    if (frame.fin && frame.opcode < opcodes.close) this.#messageOpcode = opcodes.continuation

    const decoded = decodedFrame(
      frame,
      frame.at,
      frame.rsv1 ? payload.toString('hex') : showPayload(shownAs, payload),
      current.hex.toString('hex', 0, current.hexLength),
      current.keptLength < frame.payloadLength
    )
    if (frame.maskingKey !== undefined) decoded.maskingKey = frame.maskingKey
    this.#onFrame(decoded)
  }
}

/** Whether `chunk` (at least 2 bytes) holds exactly one frame: unmasked, FIN, no RSV bit, text or binary. */
function isWholeFinalDataFrame(chunk: Buffer): boolean {
  const first = chunk[0] as number
  const second = chunk[1] as number
  const opcode = first & 0x0f
  if ((first & 0xf0) !== 0x80 || (second & 0x80) !== 0 || (opcode !== opcodes.text && opcode !== opcodes.binary))
    return false
  const headerBytes = headerSize(chunk)
  return chunk.length >= headerBytes && headerBytes + payloadLengthOf(chunk) === chunk.length
}

/** A decoded frame as a new item seen at `at` (the store numbers items in place, so each socket needs its own). */
function copyAt(frame: DecodedFrame, at: number): DecodedFrame {
  return decodedFrame(frame, at, frame.payload, frame.hex, frame.truncated)
}

/** The header's fields of a frame, as the capture shows them. */
type FrameFields = Omit<DecodedFrame, 'at' | 'payload' | 'hex' | 'truncated' | 'maskingKey'>

/**
 * A frame item, spelled out rather than spread: one frame per delivered event passes here, and
 * spreads were most of its cost.
 */
function decodedFrame(fields: FrameFields, at: number, payload: string, hex: string, truncated: boolean): DecodedFrame {
  return {
    at,
    fin: fields.fin,
    rsv1: fields.rsv1,
    rsv2: fields.rsv2,
    rsv3: fields.rsv3,
    opcode: fields.opcode,
    opcodeName: fields.opcodeName,
    masked: fields.masked,
    payloadLength: fields.payloadLength,
    lengthForm: fields.lengthForm,
    headerBytes: fields.headerBytes,
    payload,
    hex,
    truncated
  }
}

/** The payload length a complete header declares, in its 7-, 16- or 64-bit form. */
function payloadLengthOf(header: Buffer): number {
  const length7 = (header[1] as number) & 0x7f
  if (length7 === 126) return header.readUInt16BE(2)
  if (length7 === 127) return header.readUInt32BE(2) * 2 ** 32 + header.readUInt32BE(6)
  return length7
}

/** Header size once its first two bytes are known: 2, plus the extended length, plus the masking key. */
function headerSize(header: Buffer): number {
  const second = header[1] as number
  const length7 = second & 0x7f
  const extended = length7 === 126 ? 2 : length7 === 127 ? 8 : 0
  return 2 + extended + (second & 0x80 ? 4 : 0)
}

/** XORs the payload with the 4-byte key in place (RFC 6455 section 5.3); at most 1 KiB per frame. */
function unmask(payload: Buffer, key: Buffer): void {
  for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (key[i & 3] as number)
}

/** A payload as people read it: text as text, a close frame as `code reason`, anything else as hex. */
function showPayload(opcode: number, payload: Buffer): string {
  switch (opcode) {
    case opcodes.text:
      return payload.toString('utf8')
    case opcodes.close: {
      if (payload.length < 2) return payload.toString('hex')
      const reason = payload.subarray(2).toString('utf8')
      const code = payload.readUInt16BE(0)
      return reason ? `${code} ${reason}` : String(code)
    }
    case opcodes.ping:
    case opcodes.pong:
      return isUtf8(payload) ? payload.toString('utf8') : payload.toString('hex')
    default:
      return payload.toString('hex')
  }
}
