// The soak's simulated pages: one small client per technique, each doing what the browser client does
// (reload, "Update", poll, hold a poll, stream, socket), and recording every id it receives.
import { Agent, request } from 'node:http'
import { techniqueClients } from '../src/client/techniques/index.ts'
import type { ClientListener, Transport } from '../src/client/techniques/transport.ts'
import type { FeedEvent } from '../src/shared/feed-event.ts'
import { type TechniqueName, techniques } from '../src/shared/techniques.ts'
import { nodeIo } from '../test/node-io.ts'
import { ConnectionTally, watchedIo, watchRequest } from './soak-connections.ts'

/** Where the server is, and the one connection pool every HTTP client shares. */
export interface Target {
  host: string
  port: number
  agent: Agent
}

export function makeAgent(): Agent {
  // The socket timeout outlives a held long poll (25 s) and ends idle pooled sockets long before the server's
  // keep-alive timeout (72 s), so the pool never reuses a socket the server is closing.
  return new Agent({ keepAlive: true, timeout: 40_000 })
}

/** One HTTP exchange, body read whole; rejects on a network error or when `timeoutMs` passes. */
export function fetchText(
  target: Target,
  method: string,
  path: string,
  {
    body,
    headers = {},
    timeoutMs = 10_000
  }: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}
): { done: Promise<{ status: number; text: string }>; abort: () => void } {
  const payload = body === undefined ? undefined : JSON.stringify(body)
  const req = request({
    host: target.host,
    port: target.port,
    agent: target.agent,
    method,
    path,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' }
  })
  const done = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
    req.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.once('error', reject)
      res.once('end', () => {
        clearTimeout(timer)
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') })
      })
    })
  })
  req.end(payload)
  return { done, abort: () => req.destroy(new Error('aborted')) }
}

/** Latencies in whole milliseconds, bucketed, so ten minutes of events cost a fixed 240 kB per technique. */
class Histogram {
  #buckets = new Uint32Array(60_001)
  #count = 0

  add(ms: number): void {
    const bucket = Math.min(Math.max(0, Math.round(ms)), 60_000)
    this.#buckets[bucket] = (this.#buckets[bucket] ?? 0) + 1
    this.#count++
  }

  /** The smallest latency at or below which `p` of the samples lie; NaN without samples. */
  percentile(p: number): number {
    if (this.#count === 0) return Number.NaN
    const rank = Math.ceil(p * this.#count)
    let seen = 0
    for (let ms = 0; ms < this.#buckets.length; ms++) {
      seen += this.#buckets[ms] ?? 0
      if (seen >= rank) return ms
    }
    return 60_000
  }
}

/** Everything counted for one technique, over all its clients. */
export class TechniqueStats {
  clients = 0
  /** Requests for the feed a pulling client made; a kept connection is counted in `connections`, a chat in `chats`. */
  requests = 0
  chats = 0
  events = 0
  lost = 0
  duplicated = 0
  errors = 0
  /** The first few errors, word for word, for the report. */
  readonly samples: string[] = []
  readonly latency = new Histogram()
  /** The streams and sockets of a technique that keeps one open (`asking: 'once'`). */
  readonly connections = new ConnectionTally(Date.now())

  constructor(readonly name: TechniqueName) {}

  error(client: string, message: string): void {
    this.errors++
    if (this.samples.length < 8) this.samples.push(`${client}: ${message}`)
  }
}

/**
 * The ids one client received, checked as they arrive. Every stream and page is in order, so an id at or
 * below the newest seen is a duplicate and a jump is a gap (an out-of-order id would count as both: loud, not hidden).
 */
class IdTracker {
  first = 0
  newest = 0
  gaps = 0
  duplicated = 0

  receive(id: number): boolean {
    if (this.first === 0) this.first = id
    else if (id <= this.newest) {
      this.duplicated++
      return false
    } else this.gaps += id - this.newest - 1
    this.newest = id
    return true
  }
}

/** Shared by every technique's client: identity, counters, the chat timer and the id check. */
export abstract class SoakClient {
  protected running = false
  /** When the client started: events published before it are its starting view, not a measure of delay. */
  protected since = 0
  protected readonly ids = new IdTracker()
  #chatTimer: NodeJS.Timeout | undefined
  #chatsInFlight = new Set<Promise<unknown>>()

  constructor(
    readonly id: string,
    protected readonly target: Target,
    protected readonly stats: TechniqueStats,
    /** Send a chat this often (ms), or never when undefined. */
    protected readonly chatEveryMs?: number
  ) {
    stats.clients++
  }

  /** True for the techniques that resume from a cursor, whose ids must have no gap. */
  get resumes(): boolean {
    return true
  }

  start(): void {
    this.running = true
    this.since = Date.now()
    this.open()
    const every = this.chatEveryMs
    if (every !== undefined)
      this.#chatTimer = setTimeout(
        function chat(this: SoakClient) {
          this.#chatTimer = setTimeout(chat.bind(this), every)
          this.#chatsInFlight.add(this.sendChat())
        }.bind(this),
        every * Math.random()
      )
  }

  /** Stops chatting and waits for the chats already sent, so the feed's latest id stays put afterwards. */
  async stopChatting(): Promise<void> {
    clearTimeout(this.#chatTimer)
    await Promise.allSettled([...this.#chatsInFlight])
  }

  stop(): void {
    this.running = false
    this.close()
  }

  /** Has this client received everything up to `latest`? */
  caughtUp(latest: number): boolean {
    return this.ids.newest >= latest
  }

  /** Adds this client's gaps (including the tail it never got) and duplicates to the technique's counts. */
  settle(latest: number): void {
    if (!this.resumes) return
    this.stats.lost += this.ids.gaps + Math.max(0, latest - this.ids.newest)
    this.stats.duplicated += this.ids.duplicated
  }

  protected abstract open(): void
  protected abstract close(): void

  /** Records events as they arrive: id check, count, latency from the server's `at`. */
  protected received(events: readonly FeedEvent[]): void {
    const now = Date.now()
    for (const event of events) {
      this.ids.receive(event.id)
      this.stats.events++
      if (event.at >= this.since) this.stats.latency.add(now - event.at)
    }
  }

  /** The five HTTP techniques chat by POST; the WebSocket overrides this with a frame. */
  protected async sendChat(): Promise<void> {
    this.stats.chats++
    const text = `soak chat from ${this.id} at ${Date.now()}`
    const path = `/feed/messages?client=${this.id}`
    try {
      const { status, text: body } = await fetchText(this.target, 'POST', path, { body: { text } }).done
      if (status !== 201) this.stats.error(this.id, `POST /feed/messages: ${status} ${body.slice(0, 120)}`)
    } catch (error) {
      this.stats.error(this.id, `POST /feed/messages: ${(error as Error).message}`)
    }
  }

  /** Runs `step` every `intervalMs` after the previous one finished, until stopped. */
  protected loop(step: () => Promise<void>, intervalMs: number, firstDelayMs = Math.random() * intervalMs): void {
    let timer: NodeJS.Timeout | undefined
    const next = (delay: number) => {
      timer = setTimeout(async () => {
        if (!this.running) return
        await step()
        if (this.running) next(intervalMs)
      }, delay)
    }
    next(firstDelayMs)
    this.stopLoop = () => clearTimeout(timer)
  }

  protected stopLoop = (): void => {}
}

/** Refresh: reloads the whole page every 5 s. No cursor, so no loss count: the newest row must never go back. */
class RefreshClient extends SoakClient {
  #newest = 0

  override get resumes(): boolean {
    return false
  }

  protected open(): void {
    this.loop(() => this.reload(), 5_000)
  }

  protected close(): void {
    this.stopLoop()
  }

  async reload(): Promise<void> {
    this.stats.requests++
    try {
      const { status, text } = await fetchText(this.target, 'GET', `/feed/refresh?client=${this.id}`).done
      if (status !== 200) return this.stats.error(this.id, `GET /feed/refresh: ${status}`)
      const latest = Number(/<body data-latest="(\d+)">/.exec(text)?.[1] ?? Number.NaN)
      const rows = [...text.matchAll(/<tr data-id="(\d+)" data-at="(\d+)"/g)].map((m) => ({
        id: Number(m[1]),
        at: Number(m[2])
      }))
      const newest = rows[0]?.id ?? 0
      // Newest first, one id apart, the newest being the feed's latest: anything else is a broken page.
      const contiguous = rows.every((row, i) => row.id === newest - i)
      if (!Number.isInteger(latest) || !contiguous || newest !== latest || rows.length !== Math.min(20, latest))
        return this.stats.error(
          this.id,
          `page does not parse: latest ${latest}, rows ${rows.map((r) => r.id).join(',')}`
        )
      if (newest < this.#newest)
        return this.stats.error(this.id, `newest row went back from ${this.#newest} to ${newest}`)
      const now = Date.now()
      for (const row of rows.filter((r) => r.id > this.#newest)) {
        this.stats.events++
        if (row.at >= this.since) this.stats.latency.add(now - row.at)
      }
      this.#newest = newest
      this.ids.newest = newest
    } catch (error) {
      if (this.running) this.stats.error(this.id, `GET /feed/refresh: ${(error as Error).message}`)
    }
  }
}

/**
 * The page's own transport of a technique (src/client/techniques), run with Node's fetch,
 * `eventsource` and `ws`: AJAX pressed every 3 s, polling every 1 s, long polling, SSE, the
 * WebSocket (which chats over its own socket) and the streaming fetch.
 */
class TransportClient extends SoakClient {
  #transport: Transport
  #pressEveryMs: number | undefined

  constructor(id: string, target: Target, stats: TechniqueStats, chatEveryMs: number | undefined) {
    super(id, target, stats, chatEveryMs)
    const listener: ClientListener = {
      received: (events) => this.received(events),
      reset: () => this.stats.error(this.id, 'reset: events were missed'),
      state: (state, detail = '') => {
        // A pull's request is on its way; a stream or socket is counted by its watch instead.
        if (state === 'waiting') this.stats.requests++
        if (this.running && (state === 'error' || (state === 'closed' && detail !== '')))
          this.stats.error(this.id, `${state}: ${detail}`)
      }
    }
    const pageIo = nodeIo(`http://${target.host}:${target.port}`)
    const keepsOpen = techniques[stats.name].asking === 'once'
    const io = keepsOpen
      ? watchedIo(
          pageIo,
          stats.connections.watch(id, () => this.running)
        )
      : pageIo
    this.#transport = techniqueClients[stats.name].create({ clientId: id, listener, io })
    if (this.#transport.fetchNow) this.#pressEveryMs = 3_000
  }

  protected open(): void {
    this.#transport.start()
    const every = this.#pressEveryMs
    if (every !== undefined) this.loop(async () => this.#transport.fetchNow?.(), every)
  }

  protected close(): void {
    this.stopLoop()
    this.#transport.stop()
  }

  protected override async sendChat(): Promise<void> {
    if (!this.#transport.send) return super.sendChat()
    if (this.#transport.send({ type: 'chat', text: `soak chat from ${this.id} at ${Date.now()}` })) this.stats.chats++
  }
}

/** What one line of a never-ending body says: an event, a reset, or nothing (a keep-alive, the page's head). */
type ReadLine = (line: string) => FeedEvent | { reset: true } | undefined

/** A forever frame: each event is the argument of a `postMessage(` script on its own line (heartbeats are not events). */
const scriptLine: ReadLine = (line) => {
  const start = line.indexOf('postMessage(')
  const end = line.lastIndexOf(', location.origin)')
  if (start === -1 || end === -1) return undefined
  const handed = JSON.parse(line.slice(start + 'postMessage('.length, end)) as
    | FeedEvent
    | { reset: true }
    | { alive: true }
  return 'alive' in handed ? undefined : handed
}

/** A forever frame's body, read line by line as its scripts would run; asks again from its cursor when cut. */
class LineStreamClient extends SoakClient {
  #cursor: number | undefined
  #abort = (): void => {}

  constructor(
    id: string,
    target: Target,
    stats: TechniqueStats,
    chatEveryMs: number | undefined,
    readonly readLine: ReadLine
  ) {
    super(id, target, stats, chatEveryMs)
  }

  protected open(): void {
    this.#connect()
  }

  protected close(): void {
    this.#abort()
  }

  #connect(): void {
    if (!this.running) return
    const after = this.#cursor === undefined ? '' : `&after=${this.#cursor}`
    const path = `/feed/${this.stats.name}?client=${this.id}${after}`
    const req = request({ host: this.target.host, port: this.target.port, path })
    watchRequest(
      req,
      this.stats.connections.watch(this.id, () => this.running)
    )
    this.#abort = () => req.destroy()
    let pending = ''
    req.once('response', (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        pending += chunk
        const lines = pending.split('\n')
        pending = lines.pop() ?? ''
        const events: FeedEvent[] = []
        for (const line of lines) {
          const parsed = this.readLine(line)
          if (parsed === undefined) continue
          if ('reset' in parsed) this.stats.error(this.id, 'reset: events were missed')
          else events.push(parsed)
        }
        this.received(events)
        this.#cursor = events.at(-1)?.id ?? this.#cursor
      })
      res.once('close', () => setTimeout(() => this.#connect(), 1_000))
    })
    req.once('error', (error) => {
      if (this.running) this.stats.error(this.id, `GET ${path}: ${error.message}`)
    })
    req.end()
  }
}

/**
 * One client of `technique`, number `n`, chatting every `chatEveryMs` if given. Techniques that need a
 * document (a reloaded page, a frame running scripts) are read by small Node clients of their own; the
 * rest run the page's transport.
 */
export function makeClient(
  name: TechniqueName,
  n: number,
  target: Target,
  stats: TechniqueStats,
  chatEveryMs?: number
): SoakClient {
  const id = `soak-${name}-${n}`
  const technique = techniques[name]
  if (technique.contentType !== 'text/html') return new TransportClient(id, target, stats, chatEveryMs)
  return technique.streamed
    ? new LineStreamClient(id, target, stats, chatEveryMs, scriptLine)
    : new RefreshClient(id, target, stats, chatEveryMs)
}
