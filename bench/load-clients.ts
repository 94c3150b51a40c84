// A load process: many clients of one technique on raw TCP sockets, lean on purpose. On two cores
// the load costs about as much CPU as the server, so nothing here parses JSON per message: a
// scan for `"id":<n>,"at":<ms>` finds each event and its server timestamp, and the latency of
// every delivery goes into a 1 ms histogram. Driven over IPC by `bench/bench.ts`. Over TLS the same
// clients run on `tls.connect` (ALPN `http/1.1`); over HTTP/2 each is a session of its own (`bench/load-http2.ts`).
// Socket.IO's clients speak Engine.IO on the same sockets (`bench/engine-io-clients.ts`).

import { randomBytes } from 'node:crypto'
import type { ClientHttp2Session } from 'node:http2'
import { connect, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { techniques } from '../src/shared/techniques.ts'
import { engineIoTransportOf, openEngineIoPolling, openEngineIoWebSocket } from './engine-io-clients.ts'
import { openSession, openStreamOver, startPollerOver } from './load-http2.ts'
import type { BenchRow, LoadProtocol } from './protocol.ts'
import { loadClientOf } from './techniques.ts'

export type LoadCommand =
  | {
      type: 'open'
      technique: BenchRow['technique']
      port: number
      /** Instances to split the clients between, in turn (the first client to the first port); default `[port]`. */
      ports?: number[]
      count: number
      after: number
      pollMs: number
      tag: string
      /** Also open this many pages' stats channels (`/wire/live?client=<the same ids>`), read and dropped. */
      livePages?: number
      /** How the clients reach the server (default: HTTP/1.1 on plain TCP). */
      protocol?: LoadProtocol
      /** The server is Socket.IO: the clients speak Engine.IO over the transport beside the technique (`bench/engine-io-clients.ts`). */
      engineIo?: boolean
    }
  /** Count deliveries of ids ≥ fromId from now on. */
  | { type: 'measure'; fromId: number }
  /** What was counted for ids in [fromId, toId]. */
  | { type: 'report'; toId: number }

export type LoadReply =
  | { type: 'opened'; open: number; failed: number; live: number }
  | { type: 'measuring' }
  | {
      type: 'report'
      delivered: number
      duplicates: number
      gaps: number
      errors: number
      requests: number
      /** Sparse latency histogram: [ms, count] pairs. */
      histogram: [number, number][]
      cpu: NodeJS.CpuUsage
      elapsedMs: number
    }

const histogramMaxMs = 60_000
/** Connections being opened at once: more overflows the server's accept backlog. */
const connectingAtOnce = 64
const eventPattern = /"id":(\d+),"at":(\d+)[,}]/g

/** Shared by every client of this process. */
const stats = {
  fromId: Number.POSITIVE_INFINITY,
  latency: new Uint32Array(histogramMaxMs + 1),
  duplicates: 0,
  gaps: 0,
  errors: 0,
  requests: 0
}

/** One client: its cursor, and the deliveries it counted in the window. */
class Client {
  lastId: number
  delivered = 0
  #tail = ''

  constructor(after: number) {
    this.lastId = after
  }

  /** Finds every event in `text` (which may cut one in two: the cut part waits for the next chunk). */
  scan(text: string, now: number): void {
    const all = this.#tail + text
    eventPattern.lastIndex = 0
    let end = 0
    for (let match = eventPattern.exec(all); match; match = eventPattern.exec(all)) {
      end = eventPattern.lastIndex
      this.#deliver(Number(match[1]), Number(match[2]), now)
    }
    this.#tail = all.slice(Math.max(end, all.length - 48))
  }

  #deliver(id: number, at: number, now: number): void {
    if (id <= this.lastId) {
      stats.duplicates++
      return
    }
    if (id > this.lastId + 1 && this.lastId + 1 >= stats.fromId) stats.gaps++
    this.lastId = id
    if (id < stats.fromId) return
    this.delivered++
    const bucket = Math.min(histogramMaxMs, Math.max(0, now - at))
    stats.latency[bucket] = (stats.latency[bucket] ?? 0) + 1
  }
}

function request(path: string, port: number, extra = ''): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`
}

/** Set by the `open` command: plain TCP, or TLS offering only HTTP/1.1 (the bench server's certificate is self-signed). */
let overTls = false

/** Connects (over TLS when the `open` command asked for it); errors after that are counted, not thrown. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = overTls
      ? connectTls({ port, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false }).setNoDelay(true)
      : connect({ port, host: '127.0.0.1', noDelay: true })
    socket.once(overTls ? 'secureConnect' : 'connect', () => {
      socket.removeListener('error', reject)
      socket.on('error', () => stats.errors++)
      resolve(socket)
    })
    socket.once('error', reject)
  })
}

/** Reads the `101` head, then server frames (never masked): text frames go to `onText`, pings are answered. */
export async function openWebSocket(
  port: number,
  path: string,
  onText?: (text: string, now: number, socket: Socket) => void
): Promise<Socket> {
  const socket = await open(port)
  const key = randomBytes(16).toString('base64')
  socket.write(
    request(
      path,
      port,
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://127.0.0.1:${port}\r\n`
    )
  )
  let buffer: Buffer = Buffer.alloc(0)
  let upgraded = false
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      const now = Date.now()
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
      if (!upgraded) {
        const headEnd = buffer.indexOf('\r\n\r\n')
        if (headEnd < 0) return
        if (!buffer.toString('latin1', 0, 12).endsWith('101')) {
          reject(new Error(`WebSocket refused: ${buffer.toString('latin1', 0, headEnd)}`))
          return socket.destroy()
        }
        upgraded = true
        buffer = buffer.subarray(headEnd + 4)
        resolve(socket)
      }
      while (buffer.length >= 2) {
        const opcode = (buffer[0] as number) & 0x0f
        let length = (buffer[1] as number) & 0x7f
        let start = 2
        if (length === 126) {
          if (buffer.length < 4) return
          length = buffer.readUInt16BE(2)
          start = 4
        } else if (length === 127) {
          if (buffer.length < 10) return
          length = Number(buffer.readBigUInt64BE(2))
          start = 10
        }
        if (buffer.length < start + length) return
        const payload = buffer.subarray(start, start + length)
        if (opcode === 0x1) onText?.(payload.toString('latin1'), now, socket)
        // A pong masked with a zero key carries the ping's payload unchanged.
        else if (opcode === 0x9) socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | length, 0, 0, 0, 0]), payload]))
        buffer = buffer.subarray(start + length)
      }
    })
    socket.once('close', () => reject(new Error('closed before the upgrade')))
  })
}

/**
 * A response that never ends (SSE blocks, NDJSON lines, a forever frame's scripts): reads its `200`
 * head, then scans the chunked body as it comes. Each event is one write of the server, so one
 * chunk: chunk framing never falls inside an event, and whatever wraps it is skipped by the scan.
 */
async function openStream(client: Client, port: number, path: string, accept: string): Promise<Socket> {
  const socket = await open(port)
  socket.write(request(path, port, `Accept: ${accept}\r\n`))
  return new Promise((resolve, reject) => {
    let head = true
    socket.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1')
      if (head) {
        if (!text.startsWith('HTTP/1.1 200')) {
          reject(new Error(`${path} refused: ${text.slice(0, 200)}`))
          return socket.destroy()
        }
        head = false
        resolve(socket)
      }
      client.scan(text, Date.now())
    })
    socket.once('close', () => reject(new Error('closed before the head')))
  })
}

/**
 * A polling (`pollMs` > 0, or as fast as answers come with 0) or long-polling client on one
 * keep-alive connection: each answer is read to its Content-Length, then the next request goes.
 */
async function openPoller(
  client: Client,
  port: number,
  pathOf: (after: number) => string,
  pollMs: number
): Promise<Socket> {
  const socket = await open(port)
  const ask = () => {
    stats.requests++
    socket.write(request(pathOf(client.lastId), port))
  }
  let buffer = ''
  let bodyLeft = -1
  // Open once connected: a long poll may rightly wait for the next event before answering.
  return new Promise((resolve) => {
    resolve(socket)
    socket.on('data', (chunk: Buffer) => {
      const now = Date.now()
      buffer += chunk.toString('latin1')
      for (;;) {
        if (bodyLeft < 0) {
          const headEnd = buffer.indexOf('\r\n\r\n')
          if (headEnd < 0) return
          const head = buffer.slice(0, headEnd)
          const status = head.slice(9, 12)
          if (status !== '200' && status !== '204') {
            stats.errors++
            return socket.destroy()
          }
          bodyLeft = status === '204' ? 0 : Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0)
          buffer = buffer.slice(headEnd + 4)
        }
        if (buffer.length < bodyLeft) return
        client.scan(buffer.slice(0, bodyLeft), now)
        buffer = buffer.slice(bodyLeft)
        bodyLeft = -1
        if (pollMs > 0) setTimeout(ask, pollMs)
        else ask()
      }
    })
    // Pollers start spread over one interval, as pages opened at different moments do.
    if (pollMs > 0) setTimeout(ask, Math.random() * pollMs)
    else ask()
  })
}

const clients: Client[] = []
const sockets: Socket[] = []
const sessions: ClientHttp2Session[] = []
let liveOpen = 0

async function openClients(command: Extract<LoadCommand, { type: 'open' }>): Promise<LoadReply> {
  const { technique, count, after, pollMs, tag, livePages = 0, protocol = 'http1', engineIo = false } = command
  const ports = command.ports ?? [command.port]
  overTls = protocol === 'http1-tls'
  let failed = 0
  const declared = techniques[technique]
  const kind = loadClientOf(declared)
  const engineIoTransport = engineIoTransportOf(declared)
  const openOne = async (index: number) => {
    const port = ports[index % ports.length] ?? command.port
    const client = new Client(after)
    const query = (cursor: number) => `client=${tag}-${index}&after=${cursor}`
    const path = (cursor: number) => `/feed/${technique}?${query(cursor)}`
    try {
      // The page's own channel: reports, capture items and the feed's publications, which no delivery counts.
      if (index < livePages) {
        sockets.push(await openWebSocket(port, `/wire/live?client=${tag}-${index}`))
        liveOpen++
      }
      if (kind === undefined) throw new Error(`no load client reads ${technique}`)
      if (protocol === 'http2') {
        // A WebSocket is an HTTP/1.1 Upgrade even on the HTTP/2 server (no RFC 8441 here): the plan asks none.
        if (kind === 'websocket') throw new Error('no WebSocket over HTTP/2')
        const session = await openSession(port, stats)
        sessions.push(session)
        if (kind === 'stream') await openStreamOver(session, client, path(after), declared.contentType, stats)
        else startPollerOver(session, client, path, pollMs, stats)
        clients.push(client)
        return
      }
      if (engineIo) {
        if (engineIoTransport === undefined) throw new Error(`Socket.IO has no transport like ${technique}`)
        if (engineIoTransport === 'websocket')
          sockets.push(await openEngineIoWebSocket(client, port, openWebSocket, stats))
        else await openEngineIoPolling(client, port, open, stats)
        clients.push(client)
        return
      }
      const socket =
        kind === 'websocket'
          ? await openWebSocket(port, path(after), (text, now) => client.scan(text, now))
          : kind === 'stream'
            ? await openStream(client, port, path(after), declared.contentType)
            : await openPoller(client, port, path, pollMs)
      clients.push(client)
      sockets.push(socket)
    } catch {
      failed++
    }
  }
  let next = 0
  const worker = async () => {
    while (next < count) await openOne(next++)
  }
  await Promise.all(Array.from({ length: Math.min(connectingAtOnce, count) }, worker))
  return { type: 'opened', open: clients.length, failed, live: liveOpen }
}

let measuredSince = { cpu: process.cpuUsage(), at: Date.now() }

process.on('message', async (command: LoadCommand) => {
  const reply = (message: LoadReply) => process.send?.(message)
  if (command.type === 'open') reply(await openClients(command))
  else if (command.type === 'measure') {
    stats.fromId = command.fromId
    stats.latency.fill(0)
    Object.assign(stats, { duplicates: 0, gaps: 0, errors: 0, requests: 0 })
    for (const client of clients) client.delivered = 0
    measuredSince = { cpu: process.cpuUsage(), at: Date.now() }
    reply({ type: 'measuring' })
  } else if (command.type === 'report') {
    const histogram: [number, number][] = []
    stats.latency.forEach((count, ms) => {
      if (count > 0) histogram.push([ms, count])
    })
    reply({
      type: 'report',
      delivered: clients.reduce((sum, client) => sum + Math.min(client.delivered, command.toId - stats.fromId + 1), 0),
      duplicates: stats.duplicates,
      gaps: stats.gaps,
      errors: stats.errors,
      requests: stats.requests,
      histogram,
      cpu: process.cpuUsage(measuredSince.cpu),
      elapsedMs: Date.now() - measuredSince.at
    })
  }
})
process.on('disconnect', () => process.exit(0))
