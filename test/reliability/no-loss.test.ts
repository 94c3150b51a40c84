import assert from 'node:assert/strict'
import { Agent, request } from 'node:http'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { EventSource } from 'eventsource'
import WebSocket from 'ws'
import type { FeedEvent, FeedPage } from '../../src/shared/feed-event.ts'
import type { FeedServerMessage } from '../../src/shared/websocket-messages.ts'
import { delay, eventually, range, startServer } from '../helper.ts'
import { FaultProxy } from './fault-proxy.ts'

const cutsPerTechnique = 100
const techniques = ['polling', 'long-polling', 'sse', 'websocket', 'fetch-stream', 'iframe-stream'] as const
type Technique = (typeof techniques)[number]

/**
 * A Node-side client of one technique that resumes after a broken connection the way
 * the browser's client does, and records every event id it is handed, duplicates included.
 */
interface ResumingClient {
  /** Every event id received, in arrival order. */
  readonly ids: number[]
  /** What must never happen here: a reset, the server refusing a request, the client giving up. */
  readonly problems: string[]
  /** Broken requests or connections the client noticed (and recovered from). */
  readonly breaks: number
  stop(): void
}

/**
 * Polling and long polling: GET with the last id as `after`, on a keep-alive connection
 * of its own (as a browser tab has), so a cut between polls hits an idle connection.
 * A broken request is asked again with the same cursor; a 204 keeps the cursor too.
 */
class PullClient implements ResumingClient {
  readonly ids: number[] = []
  readonly problems: string[] = []
  breaks = 0
  #agent = new Agent({ keepAlive: true, maxSockets: 1 })
  #stopped = new AbortController()

  constructor(
    base: string,
    technique: 'polling' | 'long-polling',
    { everyMs, retryMs }: { everyMs: number; retryMs: number }
  ) {
    const query = technique === 'long-polling' ? '&timeout=1000' : ''
    void this.#run((after) => `${base}/feed/${technique}?after=${after}${query}`, everyMs, retryMs)
  }

  stop(): void {
    this.#stopped.abort()
    this.#agent.destroy()
  }

  async #run(urlAfter: (after: number) => string, everyMs: number, retryMs: number): Promise<void> {
    const { signal } = this.#stopped
    let after = 0
    while (!signal.aborted) {
      const startedAt = performance.now()
      let broken = false
      try {
        const { status, body } = await get(urlAfter(after), this.#agent, signal)
        if (status === 200) {
          const page = JSON.parse(body) as FeedPage
          if (page.reset) this.problems.push(`reset after ${after}`)
          for (const event of page.events) this.ids.push(event.id)
          after = page.events.at(-1)?.id ?? page.latest
        } else if (status !== 204) this.problems.push(`HTTP ${status}`)
      } catch {
        broken = !signal.aborted
        if (broken) this.breaks++
      }
      const wait = Math.max(everyMs - (performance.now() - startedAt), broken ? retryMs : 0)
      await sleep(wait, undefined, { signal }).catch(() => {})
    }
  }
}

/** One GET; rejects when the connection breaks before the whole response has arrived. */
function get(url: string, agent: Agent, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, signal }, async (response) => {
      try {
        response.setEncoding('utf8')
        let body = ''
        for await (const chunk of response) body += chunk
        if (!response.complete) throw new Error('response cut short')
        resolve({ status: response.statusCode ?? 0, body })
      } catch (error) {
        reject(error)
      }
    })
    req.on('error', reject)
    req.end()
  })
}

/** SSE: the `eventsource` package, which reconnects by itself and sends `Last-Event-ID`. */
class SseClient implements ResumingClient {
  readonly ids: number[] = []
  readonly problems: string[] = []
  breaks = 0
  #source: EventSource

  constructor(base: string) {
    const source = new EventSource(`${base}/feed/sse?after=0`)
    source.addEventListener('message', (message) => this.ids.push((JSON.parse(message.data) as FeedEvent).id))
    source.addEventListener('reset', () => this.problems.push(`reset after ${this.ids.at(-1)}`))
    source.addEventListener('error', () => {
      if (source.readyState === source.CLOSED) this.problems.push('EventSource gave up')
      else this.breaks++
    })
    this.#source = source
  }

  stop(): void {
    this.#source.close()
  }
}

/** WebSocket: the `ws` package; a few ms after every close, a new socket with `?after=<last id>`. */
class WebSocketClient implements ResumingClient {
  readonly ids: number[] = []
  readonly problems: string[] = []
  breaks = 0
  #port: number
  #socket: WebSocket | undefined
  #reconnect: NodeJS.Timeout | undefined
  #stopped = false

  constructor(port: number) {
    this.#port = port
    this.#connect()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#reconnect)
    this.#socket?.terminate()
  }

  #connect(): void {
    const origin = `http://127.0.0.1:${this.#port}`
    const after = this.ids.at(-1) ?? 0
    const socket = new WebSocket(`ws://127.0.0.1:${this.#port}/feed/websocket?after=${after}`, { headers: { origin } })
    this.#socket = socket
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as FeedServerMessage
      if (message.type === 'event') this.ids.push(message.event.id)
      else if (message.type === 'reset') this.problems.push(`reset after ${after}`)
    })
    // A cut shows as an error (reset, hang-up) and then a close; only a refused handshake is a problem.
    socket.on('error', (error) => {
      if (error.message.startsWith('Unexpected server response')) this.problems.push(error.message)
    })
    socket.on('close', () => {
      if (this.#stopped) return
      this.breaks++
      this.#reconnect = setTimeout(() => this.#connect(), 5)
    })
  }
}

/** What one whole line of a never-ending body holds: an event's id, a reset, or nothing (a keep-alive, a head). */
type LineReader = (line: string) => number | 'reset' | undefined

/** NDJSON: each line an event (or a reset). */
const jsonLine: LineReader = (line) => {
  if (line === '') return undefined
  const parsed = JSON.parse(line) as FeedEvent | { reset: true }
  return 'reset' in parsed ? 'reset' : parsed.id
}

/** A forever frame: each event the argument of a `postMessage(` script on its own line, as the parent page gets it. */
const scriptLine: LineReader = (line) => {
  const start = line.indexOf('postMessage(')
  if (start === -1) return undefined
  const parsed = JSON.parse(line.slice(start + 'postMessage('.length, line.lastIndexOf(', location.origin)'))) as
    | FeedEvent
    | { reset: true }
  return 'reset' in parsed ? 'reset' : parsed.id
}

/**
 * Streaming fetch and forever frame: one GET read line by line; when it ends or breaks, a new one
 * with `?after=<last id>`. A line cut in the middle is never read: only whole lines are events.
 */
class LineStreamClient implements ResumingClient {
  readonly ids: number[] = []
  readonly problems: string[] = []
  breaks = 0
  #url: string
  #readLine: LineReader
  #stopped = new AbortController()

  constructor(url: string, readLine: LineReader) {
    this.#url = url
    this.#readLine = readLine
    void this.#run()
  }

  stop(): void {
    this.#stopped.abort()
  }

  async #run(): Promise<void> {
    const { signal } = this.#stopped
    while (!signal.aborted) {
      const after = this.ids.at(-1) ?? 0
      try {
        const response = await fetch(`${this.#url}?after=${after}`, { signal })
        if (response.status !== 200 || !response.body) this.problems.push(`HTTP ${response.status}`)
        else {
          let pending = ''
          for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
            pending += chunk
            const lines = pending.split('\n')
            pending = lines.pop() ?? ''
            for (const line of lines) {
              const read = this.#readLine(line)
              if (read === 'reset') this.problems.push(`reset after ${after}`)
              else if (read !== undefined) this.ids.push(read)
            }
          }
        }
      } catch {
        if (signal.aborted) return
      }
      this.breaks++
      await sleep(5, undefined, { signal }).catch(() => {})
    }
  }
}

function startClient(technique: Technique, port: number): ResumingClient {
  const base = `http://127.0.0.1:${port}`
  switch (technique) {
    case 'polling':
      return new PullClient(base, technique, { everyMs: 100, retryMs: 0 })
    case 'long-polling':
      return new PullClient(base, technique, { everyMs: 0, retryMs: 10 })
    case 'sse':
      return new SseClient(base)
    case 'websocket':
      return new WebSocketClient(port)
    case 'fetch-stream':
      return new LineStreamClient(`${base}/feed/fetch-stream`, jsonLine)
    case 'iframe-stream':
      return new LineStreamClient(`${base}/feed/iframe-stream`, scriptLine)
  }
}

/** `times` cuts, each after a random 50–250 ms, so they land at every phase of the traffic. */
async function cutRepeatedly(proxy: FaultProxy, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await delay(50 + Math.random() * 200)
    await proxy.cut()
  }
}

test(`no technique loses or duplicates an event through ${cutsPerTechnique} random cuts at 10 events/s`, {
  timeout: 60_000
}, async (t) => {
  const { app, url, port } = await startServer(t, { feedRate: 10, retryMs: 20 })
  const runs = await Promise.all(
    techniques.map(async (technique) => {
      const proxy = await FaultProxy.start(port)
      t.after(() => proxy.close())
      const client = startClient(technique, proxy.port)
      t.after(() => client.stop())
      return { technique, proxy, client }
    })
  )

  await Promise.all(runs.map(({ proxy }) => cutRepeatedly(proxy, cutsPerTechnique)))
  app.ticker.update({ paused: true })
  const latest = app.feed.latest
  // A client that lost the last events never gets there: the assertions below then show what is missing.
  // The check throws its own error: a bare failing assert.ok makes Node re-parse this file to describe the
  // expression, which under tsx takes long enough, 100 times a second, to starve the clients it waits for.
  const caughtUp = () => runs.every(({ client }) => client.ids.at(-1) === latest)
  await eventually(
    () => {
      if (!caughtUp()) throw new Error('a client does not have the latest id yet')
    },
    { timeoutMs: 5_000 }
  ).catch(() => {})

  const expected = range(1, latest)
  for (const { technique, proxy, client } of runs) {
    const distinct = new Set(client.ids)
    const lost = expected.filter((id) => !distinct.has(id)).length
    const duplicated = client.ids.length - distinct.size
    t.diagnostic(
      `${technique}: ${proxy.cutCount} cuts (${proxy.cuts['mid-message']} mid-message, ` +
        `${proxy.cuts['between-messages']} between messages), ${client.breaks} breaks noticed, ` +
        `${client.ids.length} events of ${latest}, ${lost} lost, ${duplicated} duplicated` +
        (client.problems.length > 0 ? `; problems: ${client.problems.join(', ')}` : '')
    )
  }
  for (const { technique, proxy, client } of runs) {
    assert.equal(proxy.cutCount, cutsPerTechnique, `${technique}: cuts`)
    assert.deepEqual(client.problems, [], `${technique}: problems`)
    assert.deepEqual(client.ids, expected, `${technique}: received ids`)
  }

  // The server is still well: every closed client unsubscribed, and a plain request is answered.
  for (const { client } of runs) client.stop()
  await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  const response = await fetch(`${url}/feed/polling?after=${latest}`)
  assert.deepEqual(await response.json(), { events: [], latest })
})
