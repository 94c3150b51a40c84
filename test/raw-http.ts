import { connect, type Socket } from 'node:net'

/** One HTTP response as it crossed the wire. */
export interface RawResponse {
  status: number
  /** Header names in lower case. */
  headers: Record<string, string>
  /** The body with any chunked framing removed. */
  body: string
  /** Every byte of the response as read: status line, headers, chunk framing and body. */
  bytes: number
}

/**
 * A deliberately dumb HTTP/1.1 client on a bare TCP socket: it sends the exact
 * request text it is given and counts every byte it writes and reads, so a test
 * can compare those counts with what the server's accounting says.
 */
export class RawClient {
  /** Bytes this client has written to its socket. */
  bytesWritten = 0
  /** Bytes this client has read from its socket. */
  bytesRead = 0
  /** Resolves when the socket is fully closed (by either side). */
  readonly closed: Promise<void>
  readonly port: number
  #socket: Socket
  #buffer = Buffer.alloc(0)
  #ended = false
  #waiters = new Set<() => void>()

  private constructor(socket: Socket, port: number) {
    this.#socket = socket
    this.port = port
    socket.on('data', (chunk: Buffer) => {
      this.bytesRead += chunk.length
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#wake()
    })
    socket.on('end', () => {
      this.#ended = true
      this.#wake()
    })
    // A reset from the server ends the stream too; the tests look at what was read.
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' })
      socket.once('connect', () => resolve(new RawClient(socket, port)))
      socket.once('error', reject)
    })
  }

  /** True once the server has ended its side of the connection. */
  get ended(): boolean {
    return this.#ended
  }

  /** Received bytes not yet consumed by `readResponse`, as text. */
  get pending(): string {
    return this.#buffer.toString('utf8')
  }

  /** Writes `text` to the socket exactly as given. */
  send(text: string): void {
    this.bytesWritten += Buffer.byteLength(text)
    this.#socket.write(text)
  }

  /** A minimal `GET` with a Host header and whatever else is given; `Connection` defaults to keep-alive. */
  get(path: string, headers: Record<string, string> = {}): string {
    const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${this.port}`]
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
    return `${lines.join('\r\n')}\r\n\r\n`
  }

  /** Sends a request and reads its complete response. */
  request(text: string, timeoutMs = 2000): Promise<RawResponse> {
    this.send(text)
    return this.readResponse(timeoutMs)
  }

  /** Waits for one complete response and consumes its bytes. */
  async readResponse(timeoutMs = 2000): Promise<RawResponse> {
    let parsed: ReturnType<typeof parseResponse>
    await this.#until(() => {
      parsed = parseResponse(this.#buffer, this.#ended)
      return parsed !== undefined
    }, timeoutMs)
    const { response, length } = parsed as NonNullable<typeof parsed>
    this.#buffer = this.#buffer.subarray(length)
    return response
  }

  /** Waits until the unconsumed text satisfies `done` (for streams that never end). */
  async waitForText(done: (text: string) => boolean, timeoutMs = 2000): Promise<string> {
    await this.#until(() => done(this.pending), timeoutMs)
    return this.pending
  }

  /** Waits until the server has closed its side. */
  waitForEnd(timeoutMs = 2000): Promise<void> {
    return this.#until(() => this.#ended, timeoutMs)
  }

  /** Closes the connection from this side and waits until it is gone. */
  async close(): Promise<void> {
    this.#socket.destroy()
    await this.closed
  }

  #wake(): void {
    for (const wake of this.#waiters) wake()
  }

  #until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!done()) return
        cleanup()
        resolve()
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`raw client timed out after ${timeoutMs} ms; have: ${JSON.stringify(this.pending)}`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.#waiters.delete(wake)
      }
      this.#waiters.add(wake)
    })
  }
}

/** Parses one response at the start of `buffer`, or returns undefined while it is incomplete. */
function parseResponse(buffer: Buffer, ended: boolean): { response: RawResponse; length: number } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n')
  if (headEnd < 0) return undefined
  const [statusLine = '', ...lines] = buffer.subarray(0, headEnd).toString('latin1').split('\r\n')
  const status = Number(statusLine.split(' ')[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }

  let offset = headEnd + 4
  let body: Buffer
  if (status < 200 || status === 204 || status === 304) {
    body = Buffer.alloc(0)
  } else if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = []
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', offset)
      if (lineEnd < 0) return undefined
      const size = Number.parseInt(buffer.subarray(offset, lineEnd).toString('latin1'), 16)
      const start = lineEnd + 2
      if (buffer.length < start + size + 2) return undefined
      offset = start + size + 2
      if (size === 0) break
      parts.push(buffer.subarray(start, start + size))
    }
    body = Buffer.concat(parts)
  } else if (headers['content-length'] !== undefined) {
    const size = Number(headers['content-length'])
    if (buffer.length < offset + size) return undefined
    body = buffer.subarray(offset, offset + size)
    offset += size
  } else {
    if (!ended) return undefined
    body = buffer.subarray(offset)
    offset = buffer.length
  }
  return { response: { status, headers, body: body.toString('utf8'), bytes: offset }, length: offset }
}

/** One chunk of a chunked body as it crossed the wire. */
export interface WireChunk {
  /** The chunk-size line as sent (hex). */
  sizeLine: string
  /** The chunk's data. */
  text: string
  /** Bytes on the wire, framing included. */
  bytes: number
}

/**
 * Splits a chunked body that may still be going on into its complete chunks, however the sender
 * grouped its writes into chunks; `rest` holds the bytes of a chunk not complete yet. Bytes that
 * are not chunked framing (a size line that is not hex, data not followed by CRLF) throw.
 */
export function chunksOf(body: string): { chunks: WireChunk[]; rest: string } {
  const chunks: WireChunk[] = []
  let rest = Buffer.from(body)
  for (;;) {
    const lineEnd = rest.indexOf('\r\n')
    if (lineEnd < 0) break
    const sizeLine = rest.subarray(0, lineEnd).toString('latin1')
    if (!/^[0-9a-f]+$/i.test(sizeLine)) throw new Error(`not a chunk-size line: ${JSON.stringify(sizeLine)}`)
    const size = Number.parseInt(sizeLine, 16)
    const end = lineEnd + 2 + size
    if (size === 0 || rest.length < end + 2) break
    if (rest.subarray(end, end + 2).toString('latin1') !== '\r\n')
      throw new Error(`chunk ${sizeLine} does not end in CRLF`)
    chunks.push({ sizeLine, text: rest.subarray(lineEnd + 2, end).toString('utf8'), bytes: end + 2 })
    rest = rest.subarray(end + 2)
  }
  return { chunks, rest: rest.toString('utf8') }
}
