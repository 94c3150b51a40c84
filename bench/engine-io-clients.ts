// Load clients for Socket.IO (`bench/peers/socket-io.ts`): Engine.IO v4 spoken by hand on raw sockets, as
// lean as the other load clients (socket.io-client would cost the load process more than the server). Each
// connects to the namespace `/` (`40`), answers the server's pings (`2` → `3`), and scans the events
// (`42["event",{"id":…,"at":…}]`) like every other client. Socket.IO resends nothing, so a gap is a loss.
// Driven by `bench/load-clients.ts`, which hands in its socket openers and counters.
import type { Socket } from 'node:net'
import type { Technique } from '../src/shared/techniques.ts'

/** The transports of Engine.IO the bench reads: a WebSocket, or HTTP long-polling on kept-alive connections. */
export type EngineIoTransport = 'websocket' | 'polling'

/**
 * The Engine.IO transport that stands beside a technique: the WebSocket for the one that upgrades, long-polling
 * for the held poll asked again at once. Undefined: Socket.IO has nothing like it.
 */
export function engineIoTransportOf({ upgrades, streamed, asking }: Technique): EngineIoTransport | undefined {
  if (upgrades) return 'websocket'
  return !streamed && asking === 'again at once' ? 'polling' : undefined
}

/** What a client counts into: its cursor and the window's deliveries (`Client` in load-clients.ts). */
export interface Scanner {
  scan(text: string, now: number): void
}

/** The load process's counters shared by every client. */
export interface Counters {
  requests: number
  errors: number
}

type Open = (port: number) => Promise<Socket>
type OpenWebSocket = (
  port: number,
  path: string,
  onText: (text: string, now: number, socket: Socket) => void
) => Promise<Socket>

/** Engine.IO's packet types, the packet's first digit. */
const engineIo = { open: '0', close: '1', ping: '2', pong: '3', message: '4' }
/** Socket.IO's packet types, the digit after a message's 4. */
const socketIo = { connect: '0', event: '2', connectError: '4' }
/** The packet that connects a client to the namespace `/`. */
const connectToNamespace = `${engineIo.message}${socketIo.connect}`
/** Packets in one polling payload are separated by the record separator. */
const separator = '\x1e'

let requestsMade = 0
/** Engine.IO's query; `t` differs per request, as socket.io-client's cache-buster does. */
const pathOf = (transport: EngineIoTransport, sid?: string) =>
  `/socket.io/?EIO=4&transport=${transport}&t=${(requestsMade++).toString(36)}${sid ? `&sid=${sid}` : ''}`

/**
 * Handles one packet from the server: events are scanned, pings answered with `reply`; `connected` is called
 * when the namespace accepts the client. The open packet (0) is the transport's to handle.
 */
function onPacket(
  packet: string,
  now: number,
  client: Scanner,
  reply: (packet: string) => void,
  connected: () => void,
  counters: Counters
): void {
  const type = packet[0]
  if (type === engineIo.message) {
    if (packet[1] === socketIo.event) client.scan(packet, now)
    else if (packet[1] === socketIo.connect) connected()
    else if (packet[1] === socketIo.connectError) counters.errors++
  } else if (type === engineIo.ping) reply(engineIo.pong)
  else if (type === engineIo.close) counters.errors++
}

/** A client text frame: masked, as a client's must be, with a zero key, so the payload goes as it is. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, 0, 0, 0, 0]), payload])
}

/** Engine.IO over a WebSocket from the start (no polling first); resolves once the namespace accepted it. */
export function openEngineIoWebSocket(
  client: Scanner,
  port: number,
  openWebSocket: OpenWebSocket,
  counters: Counters
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    openWebSocket(port, pathOf('websocket'), (packet, now, socket) => {
      const reply = (text: string) => socket.write(textFrame(text))
      if (packet[0] === engineIo.open) reply(connectToNamespace)
      else onPacket(packet, now, client, reply, () => resolve(socket), counters)
    }).catch(reject)
  })
}

type Answer = (status: string, body: string, now: number) => void

/**
 * One kept-alive HTTP/1.1 connection carrying one request at a time, each answer read to its Content-Length
 * (Engine.IO sends one with every polling answer). Reopened when the server has closed it while idle (Node's
 * 5 s keep-alive timeout, longer than the gaps between a client's POSTs).
 */
class KeptAlive {
  #socket: Socket | undefined
  #buffer = ''
  #bodyLeft = -1
  #status = ''
  #answer: Answer | undefined

  constructor(
    readonly port: number,
    readonly open: Open,
    readonly counters: Counters
  ) {}

  async request(text: string, answer: Answer): Promise<void> {
    if (this.#socket === undefined) this.#socket = await this.#connect()
    this.#answer = answer
    this.#socket.write(text)
  }

  async #connect(): Promise<Socket> {
    const socket = await this.open(this.port)
    socket.on('data', (chunk: Buffer) => this.#read(chunk.toString('latin1'), Date.now()))
    socket.once('close', () => {
      this.#socket = undefined
      // Closed with a request waiting: its answer is lost.
      if (this.#answer) this.counters.errors++
      this.#answer = undefined
      this.#buffer = ''
      this.#bodyLeft = -1
    })
    return socket
  }

  #read(text: string, now: number): void {
    this.#buffer += text
    if (this.#bodyLeft < 0) {
      const headEnd = this.#buffer.indexOf('\r\n\r\n')
      if (headEnd < 0) return
      const head = this.#buffer.slice(0, headEnd)
      this.#status = head.slice(9, 12)
      this.#bodyLeft = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
      this.#buffer = this.#buffer.slice(headEnd + 4)
    }
    if (this.#buffer.length < this.#bodyLeft) return
    const body = this.#buffer.slice(0, this.#bodyLeft)
    this.#buffer = this.#buffer.slice(this.#bodyLeft)
    this.#bodyLeft = -1
    const answer = this.#answer
    this.#answer = undefined
    answer?.(this.#status, body, now)
  }
}

const get = (path: string, port: number) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`
const post = (path: string, port: number, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: text/plain;charset=UTF-8\r\n` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`

/**
 * Engine.IO over HTTP long-polling, as a browser runs it: GETs held by the server on one kept-alive connection,
 * one after another (a request counted for each), and POSTs for what the client sends on a second, since a GET
 * is nearly always waiting. Resolves once the namespace accepted the client.
 */
export async function openEngineIoPolling(
  client: Scanner,
  port: number,
  open: Open,
  counters: Counters
): Promise<void> {
  const polls = new KeptAlive(port, open, counters)
  const posts = new KeptAlive(port, open, counters)
  const sid = await new Promise<string>((resolve, reject) => {
    counters.requests++
    polls
      .request(get(pathOf('polling'), port), (status, body) =>
        status === '200' && body[0] === engineIo.open
          ? resolve(JSON.parse(body.slice(1)).sid as string)
          : reject(new Error(`Engine.IO handshake refused: ${status} ${body.slice(0, 200)}`))
      )
      .catch(reject)
  })
  // Engine.IO refuses a second POST while one is in flight: the packets wait and go together.
  let waiting: string[] = []
  let posting = false
  const send = (packet: string) => {
    waiting.push(packet)
    if (!posting) flush()
  }
  const flush = () => {
    const body = waiting.join(separator)
    waiting = []
    posting = true
    posts
      .request(post(pathOf('polling', sid), port, body), (status) => {
        posting = false
        if (status !== '200') counters.errors++
        if (waiting.length > 0) flush()
      })
      .catch(() => {
        posting = false
        counters.errors++
      })
  }
  return new Promise((resolve, reject) => {
    const poll = () => {
      counters.requests++
      polls.request(get(pathOf('polling', sid), port), onAnswer).catch(reject)
    }
    const onAnswer: Answer = (status, body, now) => {
      if (status !== '200') {
        counters.errors++
        return reject(new Error(`Engine.IO poll refused: ${status} ${body.slice(0, 200)}`))
      }
      poll()
      for (const packet of body.split(separator)) onPacket(packet, now, client, send, resolve, counters)
    }
    send(connectToNamespace)
    poll()
  })
}
