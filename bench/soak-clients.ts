// The soak's simulated pages: one small client per technique, each doing what the browser client does
// (reload, "Update", poll, hold a poll, stream, socket), and recording every id it receives.
import { Agent, request } from 'node:http'
import { EventSource } from 'eventsource'
import WebSocket from 'ws'
import type { FeedEvent, FeedPage } from '../src/shared/feed-event.ts'
import { type TechniqueName, techniques } from '../src/shared/techniques.ts'

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
  requests = 0
  chats = 0
  events = 0
  lost = 0
  duplicated = 0
  errors = 0
  /** The first few errors, word for word, for the report. */
  readonly samples: string[] = []
  readonly latency = new Histogram()

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

/** Shared by all six: identity, counters, the chat timer and the id check. */
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
    this.stats.requests++
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

/** AJAX ("Update" every 3 s), polling (every 1 s) and long polling (asks again at once): a cursor and a JSON page. */
class PullClient extends SoakClient {
  #cursor: number | undefined
  #abort = (): void => {}

  constructor(
    id: string,
    target: Target,
    stats: TechniqueStats,
    chatEveryMs: number | undefined,
    readonly intervalMs: number
  ) {
    super(id, target, stats, chatEveryMs)
  }

  protected open(): void {
    this.loop(() => this.ask(), this.intervalMs, Math.random() * Math.max(this.intervalMs, 1_000))
  }

  protected close(): void {
    this.stopLoop()
    this.#abort()
  }

  async ask(): Promise<void> {
    // Long polling asks again at once, but not in a tight loop against a failing server: a second apart, as the page does.
    if (!(await this.askOnce()) && this.intervalMs === 0) await new Promise((resolve) => setTimeout(resolve, 1_000))
  }

  /** One request; false when it failed (already counted as an error). */
  async askOnce(): Promise<boolean> {
    const held = techniques[this.stats.name].asking === 'again at once'
    const after = this.#cursor === undefined ? '' : `&after=${this.#cursor}`
    const path = `/feed/${this.stats.name}?client=${this.id}${after}${held ? '&timeout=25000' : ''}`
    this.stats.requests++
    try {
      const exchange = fetchText(this.target, 'GET', path, { timeoutMs: held ? 35_000 : 10_000 })
      this.#abort = exchange.abort
      const { status, text } = await exchange.done
      if (held && status === 204) return true
      if (status !== 200) {
        this.stats.error(this.id, `GET ${path}: ${status} ${text.slice(0, 120)}`)
        return false
      }
      const page = JSON.parse(text) as FeedPage
      if (page.reset) this.stats.error(this.id, `reset: cursor ${this.#cursor} fell out of the history`)
      this.received(page.events)
      // An empty page moves a cursor only the first time; later, `latest` running ahead of the events would be a gap.
      this.#cursor = page.events.at(-1)?.id ?? this.#cursor ?? page.latest
      return true
    } catch (error) {
      if (this.running) this.stats.error(this.id, `GET ${path}: ${(error as Error).message}`)
      return false
    }
  }
}

/** Server-Sent Events through the `eventsource` package, which resumes with `Last-Event-ID` by itself. */
class SseClient extends SoakClient {
  #source: EventSource | undefined

  protected open(): void {
    const source = new EventSource(`http://${this.target.host}:${this.target.port}/feed/sse?client=${this.id}`)
    source.onopen = () => this.stats.requests++
    source.onmessage = (message) => this.received([JSON.parse(message.data) as FeedEvent])
    source.addEventListener('reset', () => this.stats.error(this.id, 'reset event: events were missed'))
    source.onerror = (error) => {
      if (this.running) this.stats.error(this.id, `EventSource error ${error.code ?? ''} ${error.message ?? ''}`.trim())
    }
    this.#source = source
  }

  protected close(): void {
    this.#source?.close()
  }
}

/** WebSocket through `ws`, with the Origin a browser on our page sends; reconnects from its cursor if cut. */
class WebSocketClient extends SoakClient {
  #socket: WebSocket | undefined

  protected open(): void {
    const { host, port } = this.target
    const after = this.ids.newest > 0 ? `&after=${this.ids.newest}` : ''
    const socket = new WebSocket(`ws://${host}:${port}/feed/websocket?client=${this.id}${after}`, {
      origin: `http://${host}:${port}`
    })
    let problem = ''
    socket.on('open', () => this.stats.requests++)
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; event?: FeedEvent }
      if (message.type === 'event' && message.event) this.received([message.event])
      else if (message.type === 'reset') this.stats.error(this.id, 'reset message: events were missed')
    })
    socket.on('unexpected-response', (_request, response) => {
      problem = `handshake answered ${response.statusCode}`
      socket.terminate()
    })
    socket.on('error', (error) => {
      problem ||= error.message
    })
    socket.on('close', (code, reason) => {
      if (!this.running) return
      this.stats.error(this.id, `WebSocket closed ${code} ${reason.toString()} ${problem}`.trim())
      setTimeout(() => this.running && this.open(), 1_000)
    })
    this.#socket = socket
  }

  protected close(): void {
    this.#socket?.close(1000, 'soak over')
  }

  protected override async sendChat(): Promise<void> {
    if (this.#socket?.readyState !== WebSocket.OPEN) return
    this.stats.chats++
    this.#socket.send(JSON.stringify({ type: 'chat', text: `soak chat from ${this.id} at ${Date.now()}` }))
  }
}

/** What one line of a never-ending body says: an event, a reset, or nothing (a keep-alive, the page's head). */
type ReadLine = (line: string) => FeedEvent | { reset: true } | undefined

/** NDJSON: every non-empty line is a JSON event or reset. */
const jsonLine: ReadLine = (line) => (line === '' ? undefined : (JSON.parse(line) as FeedEvent | { reset: true }))

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

/** A body that never ends, read line by line (a streamed fetch, a forever frame); asks again from its cursor when cut. */
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
    this.stats.requests++
    const req = request({ host: this.target.host, port: this.target.port, path })
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

/** One client of `technique`, number `n`, chatting every `chatEveryMs` if given: the kind of client its traits call for. */
export function makeClient(
  name: TechniqueName,
  n: number,
  target: Target,
  stats: TechniqueStats,
  chatEveryMs?: number
): SoakClient {
  const id = `soak-${name}-${n}`
  const technique = techniques[name]
  switch (technique.asking) {
    case 'by hand':
      // A whole page is reloaded; an "Update" asks for what is new, about every 3 s.
      return technique.contentType === 'text/html'
        ? new RefreshClient(id, target, stats, chatEveryMs)
        : new PullClient(id, target, stats, chatEveryMs, 3_000)
    case 'on a timer':
      return new PullClient(id, target, stats, chatEveryMs, 1_000)
    case 'again at once':
      return new PullClient(id, target, stats, chatEveryMs, 0)
    case 'once':
      if (technique.duplex) return new WebSocketClient(id, target, stats, chatEveryMs)
      if (technique.contentType === 'text/event-stream') return new SseClient(id, target, stats, chatEveryMs)
      return new LineStreamClient(
        id,
        target,
        stats,
        chatEveryMs,
        technique.contentType === 'text/html' ? scriptLine : jsonLine
      )
  }
}
