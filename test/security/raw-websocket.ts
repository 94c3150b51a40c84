import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { after, before, type TestContext } from 'node:test'
import { type AppOptions, buildApp } from '../../src/server/app.ts'
import { eventIds, openWebSocket } from '../clients.ts'
import { Inbox, presenterToken, publishTicks, type TestServer } from '../helper.ts'
import { RawClient, type RawResponse } from '../raw-http.ts'

/** RFC 6455 section 11.8. */
export const opcodes = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa
} as const

/** RFC 6455 section 1.3: the server proves it read our key by hashing it with this GUID. */
const handshakeGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

export interface FrameSpec {
  opcode: number
  payload?: Buffer | string
  /** Default true: the last (or only) frame of a message. */
  fin?: boolean
  rsv1?: boolean
  rsv2?: boolean
  rsv3?: boolean
  /** Default true: RFC 6455 section 5.1 makes every client frame masked. */
  masked?: boolean
  /** Which length encoding to write; default the shortest that fits, as a well-behaved peer does. */
  lengthForm?: 7 | 16 | 64
  /** The length to declare instead of the payload's own, to lie about what follows. */
  declaredLength?: number | bigint
}

/** Builds one frame byte by byte as RFC 6455 section 5.2 lays it out, including frames it forbids. */
export function frame(spec: FrameSpec): Buffer {
  const { opcode, fin = true, rsv1 = false, rsv2 = false, rsv3 = false, masked = true } = spec
  const payload = Buffer.from(spec.payload ?? '')
  const length = BigInt(spec.declaredLength ?? payload.length)
  const form = spec.lengthForm ?? (length <= 125n ? 7 : length <= 0xffffn ? 16 : 64)
  const header = Buffer.alloc(form === 7 ? 2 : form === 16 ? 4 : 10)
  header[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | (opcode & 0x0f)
  if (form === 7) header[1] = Number(length)
  else if (form === 16) {
    header[1] = 126
    header.writeUInt16BE(Number(length), 2)
  } else {
    header[1] = 127
    header.writeBigUInt64BE(length, 2)
  }
  if (!masked) return Buffer.concat([header, payload])
  header[1] = (header[1] as number) | 0x80
  const mask = randomBytes(4)
  const body = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)))
  return Buffer.concat([header, mask, body])
}

/** A close frame's payload: a 2-byte code then a UTF-8 (or deliberately not) reason. */
export function closePayload(code: number, reason: Buffer | string = ''): Buffer {
  const bytes = Buffer.alloc(2)
  bytes.writeUInt16BE(code)
  return Buffer.concat([bytes, Buffer.from(reason)])
}

/** A frame as the server sent it. */
export interface ServerFrame {
  fin: boolean
  rsv: number
  opcode: number
  masked: boolean
  payload: Buffer
}

/** What ended the connection: the server's close frame, if it sent one. */
export interface CloseFrame {
  code: number
  reason: string
}

export interface HandshakeOptions {
  path?: string
  /** Added to, or replacing (same name, any case), the valid handshake's headers; `undefined` removes one. */
  headers?: Record<string, string | undefined>
  method?: string
}

/**
 * The text of a valid WebSocket opening handshake (RFC 6455 section 4.1) to this
 * server, from a page of its own origin, with any header replaced or removed.
 */
export function handshakeRequest(server: TestServer, options: HandshakeOptions = {}): string {
  const { path = '/feed/websocket?after=0', method = 'GET' } = options
  const valid: [string, string][] = [
    ['Host', `127.0.0.1:${server.port}`],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
    ['Sec-WebSocket-Version', '13'],
    ['Origin', server.origin]
  ]
  // Keyed by lower-case name, so a test's `origin` replaces `Origin`; a Map stays fast with thousands of headers.
  const headers = new Map<string, [string, string | undefined]>()
  for (const [name, value] of [...valid, ...Object.entries(options.headers ?? {})])
    headers.set(name.toLowerCase(), [name, value])
  const lines = [`${method} ${path} HTTP/1.1`]
  for (const [name, value] of headers.values()) if (value !== undefined) lines.push(`${name}: ${value}`)
  return `${lines.join('\r\n')}\r\n\r\n`
}

/**
 * Sends a handshake the server must refuse and returns its HTTP answer, asserting
 * that it is not a `101` (the refusal came before any WebSocket existed).
 */
export async function refusedHandshake(t: TestContext, server: TestServer, request: string): Promise<RawResponse> {
  const client = await RawClient.connect(server.port)
  t.after(() => client.close())
  const response = await client.request(request)
  assert.notEqual(response.status, 101, `the server switched protocols: ${JSON.stringify(response.headers)}`)
  return response
}

/**
 * A WebSocket client on a bare TCP socket that does the handshake by hand, then
 * writes whatever bytes a test gives it, however malformed, and decodes the
 * server's frames as they arrive.
 */
export class RawWebSocket {
  /** Every frame the server sent, in order. */
  readonly frames = new Inbox<ServerFrame>()
  /** Resolves when the TCP connection is closed, by either side. */
  readonly tcpClosed: Promise<void>
  #socket: Socket
  #unparsed = Buffer.alloc(0)

  private constructor(socket: Socket, rest: Buffer) {
    this.#socket = socket
    this.tcpClosed = new Promise((resolve) => socket.once('close', () => resolve()))
    // The server may reset the connection while a test is still writing: the test looks at what came back.
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => this.#read(chunk))
    this.#read(rest)
  }

  /** Connects, sends a valid handshake and resolves once the server has answered `101` with the right accept key. */
  static open(t: TestContext, server: TestServer, path = '/feed/websocket?after=0'): Promise<RawWebSocket> {
    const key = randomBytes(16).toString('base64')
    const accept = createHash('sha1')
      .update(key + handshakeGuid)
      .digest('base64')
    const socket = connect({ port: server.port, host: '127.0.0.1' })
    t.after(() => socket.destroy())
    return new Promise((resolve, reject) => {
      let head = Buffer.alloc(0)
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        socket.off('data', onData)
        socket.off('error', reject)
        const text = head.subarray(0, end).toString('latin1')
        if (!text.startsWith('HTTP/1.1 101 ')) return reject(new Error(`handshake refused: ${text}`))
        if (!text.includes(`\r\nSec-WebSocket-Accept: ${accept}`)) return reject(new Error(`wrong accept key: ${text}`))
        resolve(new RawWebSocket(socket, head.subarray(end + 4)))
      }
      socket.on('data', onData)
      socket.once('error', reject)
      socket.once('connect', () =>
        socket.write(handshakeRequest(server, { path, headers: { 'Sec-WebSocket-Key': key } }))
      )
    })
  }

  /** Writes raw bytes: frames, pieces of frames, or garbage. */
  write(...chunks: Buffer[]): void {
    this.#socket.write(Buffer.concat(chunks))
  }

  /** Writes each frame described. */
  send(...specs: FrameSpec[]): void {
    this.write(...specs.map(frame))
  }

  /** Waits for the server's close frame (skipping events and pongs before it) and decodes it. */
  async closeFrame(timeoutMs = 2000): Promise<CloseFrame> {
    const frames = await this.frames.waitUntil(
      (items) => items.some((item) => item.opcode === opcodes.close),
      timeoutMs,
      'a close frame'
    )
    const { payload } = frames.find((item) => item.opcode === opcodes.close) as ServerFrame
    // An empty close payload means "no status code" (RFC 6455 section 7.1.5), which ws reports as 1005.
    if (payload.length < 2) return { code: 1005, reason: '' }
    return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') }
  }

  /** Waits for the TCP connection to end, or fails after `timeoutMs`. */
  async closedWithin(timeoutMs = 2000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`TCP still open after ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      await Promise.race([this.tcpClosed, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Ends the closing handshake as a well-behaved client does: echo a close frame, then wait for the server to hang up. */
  async answerClose(code = 1000): Promise<void> {
    this.send({ opcode: opcodes.close, payload: closePayload(code) })
    await this.closedWithin()
  }

  /** Cuts the TCP connection without any closing handshake. */
  destroy(): void {
    this.#socket.destroy()
  }

  #read(chunk: Buffer): void {
    this.#unparsed = Buffer.concat([this.#unparsed, chunk])
    for (let parsed = parseFrame(this.#unparsed); parsed; parsed = parseFrame(this.#unparsed)) {
      this.#unparsed = this.#unparsed.subarray(parsed.length)
      this.frames.push(parsed.frame)
    }
  }
}

/** Decodes one server frame at the start of `bytes`, or returns undefined while it is incomplete. */
function parseFrame(bytes: Buffer): { frame: ServerFrame; length: number } | undefined {
  if (bytes.length < 2) return undefined
  const first = bytes[0] as number
  const second = bytes[1] as number
  const masked = (second & 0x80) !== 0
  let length = second & 0x7f
  let offset = 2
  if (length === 126) {
    if (bytes.length < 4) return undefined
    length = bytes.readUInt16BE(2)
    offset = 4
  } else if (length === 127) {
    if (bytes.length < 10) return undefined
    length = Number(bytes.readBigUInt64BE(2))
    offset = 10
  }
  const maskBytes = masked ? 4 : 0
  if (bytes.length < offset + maskBytes + length) return undefined
  const mask = bytes.subarray(offset, offset + maskBytes)
  const body = bytes.subarray(offset + maskBytes, offset + maskBytes + length)
  const payload = masked ? Buffer.from(body.map((byte, i) => byte ^ (mask[i % 4] as number))) : Buffer.from(body)
  return {
    frame: { fin: (first & 0x80) !== 0, rsv: (first >> 4) & 0x07, opcode: first & 0x0f, masked, payload },
    length: offset + maskBytes + length
  }
}

/**
 * One server for every test of the enclosing `describe` (or file), built as
 * `startServer` builds it (ticker off), before the first test and closed after
 * the last: each abuse must leave it fit to serve the next test, and building
 * one per test would cost more than the tests.
 */
export function suiteServer(options: AppOptions = {}): () => TestServer {
  let server: TestServer | undefined
  before(async () => {
    const app = await buildApp({ feedRate: 0, presenterToken, ...options })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    const url = `http://127.0.0.1:${port}`
    server = { app, url, port, origin: url }
  })
  after(() => server?.app.close())
  return () => {
    if (!server) throw new Error('suiteServer() is only ready inside the tests it encloses')
    return server
  }
}

/**
 * Proves the server is still whole after an abuse: a brand-new `ws` client opens
 * `/feed/websocket` and receives the next event published.
 */
export async function assertStillServing(t: TestContext, server: TestServer): Promise<void> {
  const next = await openWebSocket(t, server, `/feed/websocket?after=${server.app.feed.latest}`)
  const [event] = publishTicks(server.app, 1)
  assert.deepEqual(eventIds(await next.messages.waitFor(1)), [event?.id], 'the next client gets the next event')
  next.ws.close()
  await next.closed
}
