/**
 * How HTTP/1.1 marks where things end (RFC 9112): a head ends at a blank line,
 * a body after Content-Length bytes, after the last chunk, or when the connection
 * closes. The readers here take bytes in whatever pieces they come and only count
 * what they do not need to keep.
 */

/** How much of an HTTP exchange the capture keeps, and when it gives up on a socket. */
export const httpLimits = {
  /** A head longer than this without its blank line is not HTTP we understand (Node refuses heads over 16 KiB). */
  maxHeadBytes: 32 * 1024,
  bodyStartBytes: 512,
  streamTextBytes: 2 * 1024,
  maxLineBytes: 8 * 1024
} as const

/** Thrown when the bytes are not the HTTP/1.1 we expect: the tap stops capturing that socket. */
export class CaptureConfused extends Error {}

/** One HTTP chunk of a streamed response. */
export interface CapturedChunk {
  at: number
  sizeLine: string
  /** The chunk's data, cut to `httpLimits.streamTextBytes`. */
  data: Buffer
  /** Size line, data and both CRLFs. */
  bytes: number
  truncated: boolean
}

const CRLF = Buffer.from('\r\n')
const blankLine = Buffer.from('\r\n\r\n')

/** Start line and headers (names in lower case; repeated ones joined with a comma). */
export function parseHead(head: string): { startLine: string; headers: Map<string, string> } {
  const lines = head.split('\r\n')
  const headers = new Map<string, string>()
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    const before = headers.get(name)
    headers.set(name, before === undefined ? value : `${before}, ${value}`)
  }
  return { startLine: lines[0] ?? '', headers }
}

const framingHeader = /^(content-length|transfer-encoding)[ \t]*:[ \t]*(.*?)[ \t]*\r?$/gim

/**
 * Only the headers that say where a body ends (RFC 9112 section 6.3), found in one scan: a response's
 * head is the server's own, kept as written, and the rest of it is decoded when a view shows it.
 */
export function framingHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const [, name, value] of head.matchAll(framingHeader)) {
    const key = (name as string).toLowerCase()
    const before = headers.get(key)
    headers.set(key, before === undefined ? (value as string) : `${before}, ${value}`)
  }
  return headers
}

/** How a message's body is delimited (RFC 9112 section 6.3). */
export function bodyOf(headers: Map<string, string>, isResponse: boolean): Body {
  if (/\bchunked\s*$/i.test(headers.get('transfer-encoding') ?? '')) return new ChunkedBody()
  const length = headers.get('content-length')
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new CaptureConfused('bad Content-Length')
    return new LengthBody(Number(length))
  }
  return isResponse ? new CloseDelimitedBody() : new LengthBody(0)
}

/** Collects a head up to its blank line, across as many pieces as it came in. */
export class HeadReader {
  #pending: Buffer | undefined
  #at = 0

  /** True when no head has begun to arrive. */
  get empty(): boolean {
    return this.#pending === undefined
  }

  /** Consumes bytes from `offset`; `head` is set once the blank line has been read. */
  read(chunk: Buffer, offset: number, at: number): { next: number; head?: string; at: number } {
    if (!this.#pending) {
      // Empty lines before a request line are allowed (RFC 9112 section 2.2).
      while (chunk[offset] === 0x0d && chunk[offset + 1] === 0x0a) offset += 2
      if (offset >= chunk.length) return { next: offset, at }
      const end = chunk.indexOf(blankLine, offset)
      if (end >= 0) return { next: end + 4, head: checkedHead(chunk, offset, end + 4), at }
      this.#pending = Buffer.from(chunk.subarray(offset))
      this.#at = at
    } else {
      const before = this.#pending.length
      const joined = Buffer.concat([this.#pending, chunk.subarray(offset)])
      const end = joined.indexOf(blankLine, Math.max(0, before - 3))
      if (end >= 0) {
        this.#pending = undefined
        return { next: offset + end + 4 - before, head: checkedHead(joined, 0, end + 4), at: this.#at }
      }
      this.#pending = joined
    }
    if (this.#pending.length > httpLimits.maxHeadBytes) throw new CaptureConfused('head too long')
    return { next: chunk.length, at }
  }
}

function checkedHead(buffer: Buffer, start: number, end: number): string {
  if (end - start > httpLimits.maxHeadBytes) throw new CaptureConfused('head too long')
  return buffer.toString('latin1', start, end)
}

/** A message body being passed over: it counts its bytes and says when it is complete. */
export interface Body {
  readonly bytes: number
  readonly done: boolean
  /** Consumes what belongs to the body from `offset` on and returns where the body stopped. */
  push(chunk: Buffer, offset: number, at: number): number
}

export class LengthBody implements Body {
  bytes = 0
  #remaining: number

  constructor(length: number) {
    this.#remaining = length
  }

  get done(): boolean {
    return this.#remaining === 0
  }

  push(chunk: Buffer, offset: number): number {
    const take = Math.min(this.#remaining, chunk.length - offset)
    this.#remaining -= take
    this.bytes += take
    return offset + take
  }
}

/** A response without length that ends when the connection closes (HTTP/1.0 style). */
class CloseDelimitedBody implements Body {
  bytes = 0
  readonly done = false

  push(chunk: Buffer, offset: number): number {
    this.bytes += chunk.length - offset
    return chunk.length
  }
}

/** `Transfer-Encoding: chunked`: size line in hex, data, CRLF, … then a zero-size chunk and optional trailers. */
export class ChunkedBody implements Body {
  bytes = 0
  done = false
  /** Set to hear about each chunk (the stream items of SSE). */
  onChunk: ((chunk: CapturedChunk) => void) | undefined
  #state: 'size' | 'data' | 'data-end' | 'trailers' = 'size'
  #line = new LineReader()
  #size = 0
  #remaining = 0
  #crlfSeen = 0
  #chunk: { at: number; sizeLine: string; data: Buffer[]; kept: number } | undefined
  #lineAt = 0

  push(chunk: Buffer, offset: number, at: number): number {
    const start = offset
    while (offset < chunk.length && !this.done) {
      if (this.#state === 'size') {
        if (this.#line.empty) this.#lineAt = at
        const found = this.#line.read(chunk, offset)
        offset = found.next
        if (found.line !== undefined) this.#sizeLine(found.line)
      } else if (this.#state === 'data') {
        const take = Math.min(this.#remaining, chunk.length - offset)
        this.#keep(chunk.subarray(offset, offset + take))
        this.#remaining -= take
        offset += take
        if (this.#remaining === 0) this.#state = 'data-end'
      } else if (this.#state === 'data-end') {
        if (chunk[offset] !== CRLF[this.#crlfSeen]) throw new CaptureConfused('chunk data not followed by CRLF')
        offset++
        if (++this.#crlfSeen === 2) this.#chunkDone()
      } else {
        const found = this.#line.read(chunk, offset)
        offset = found.next
        if (found.line === '') this.done = true
      }
    }
    this.bytes += offset - start
    return offset
  }

  #sizeLine(line: string): void {
    const size = /^[0-9a-fA-F]{1,12}/.exec(line)
    if (!size) throw new CaptureConfused('bad chunk size line')
    this.#size = Number.parseInt(size[0], 16)
    if (this.#size === 0) {
      this.#state = 'trailers'
      return
    }
    this.#remaining = this.#size
    this.#crlfSeen = 0
    this.#state = 'data'
    if (this.onChunk) this.#chunk = { at: this.#lineAt, sizeLine: line, data: [], kept: 0 }
  }

  #keep(bytes: Buffer): void {
    const current = this.#chunk
    if (!current || current.kept >= httpLimits.streamTextBytes) return
    const piece = Buffer.from(bytes.subarray(0, httpLimits.streamTextBytes - current.kept))
    current.data.push(piece)
    current.kept += piece.length
  }

  #chunkDone(): void {
    this.#state = 'size'
    const current = this.#chunk
    this.#chunk = undefined
    if (!current || !this.onChunk) return
    this.onChunk({
      at: current.at,
      sizeLine: current.sizeLine,
      data: Buffer.concat(current.data),
      bytes: current.sizeLine.length + 2 + this.#size + 2,
      truncated: current.kept < this.#size
    })
  }
}

/** Reads CRLF-terminated lines that may arrive split anywhere, even between the CR and the LF. */
class LineReader {
  #pending = ''

  get empty(): boolean {
    return this.#pending === ''
  }

  read(chunk: Buffer, offset: number): { next: number; line?: string } {
    if (this.#pending.endsWith('\r') && chunk[offset] === 0x0a) {
      const line = this.#pending.slice(0, -1)
      this.#pending = ''
      return { next: offset + 1, line }
    }
    const end = chunk.indexOf(CRLF, offset)
    if (end < 0) {
      this.#pending += chunk.toString('latin1', offset)
      if (this.#pending.length > httpLimits.maxLineBytes) throw new CaptureConfused('line too long')
      return { next: chunk.length }
    }
    const line = this.#pending + chunk.toString('latin1', offset, end)
    this.#pending = ''
    return { next: end + 2, line }
  }
}
