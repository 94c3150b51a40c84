import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { techniqueClients } from '../../src/client/techniques/index.ts'
import type { ClientListener, Transport } from '../../src/client/techniques/transport.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { allTechniques, type Technique, type TechniqueName } from '../../src/shared/techniques.ts'
import { delay, eventually, range, startServer } from '../helper.ts'
import { nodeIo } from '../node-io.ts'
import { FaultProxy } from './fault-proxy.ts'

const cutsPerTechnique = 100
/**
 * Every technique that resumes by itself after a drop: it asks again from its cursor (`resumable`) and nobody has
 * to ask for it (not `by hand`). Manual AJAX is resumable too, its next Update asks from its cursor, but after a cut
 * nothing asks again until someone presses the button: it has no recovery of its own to cut, only a person's clicks.
 */
const resuming = allTechniques.filter((technique) => technique.resumable && technique.asking !== 'by hand')

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
 * A transport's settings, for a test that must recover within milliseconds of each cut. They are each transport's
 * own, so they are listed by name; a technique that resumes by itself and has neither these nor a line reader
 * (`lineReaders`) fails 'every technique that resumes by itself is followed through the cuts'.
 */
const quickRecovery: Partial<Record<TechniqueName, object>> = {
  polling: { intervalMs: 100 },
  'long-polling': { timeoutMs: 1_000, retryMs: 10 },
  sse: {}, // EventSource's own reconnection, after the server's `retry:` (20 ms here)
  websocket: { reconnectMs: 5 },
  'fetch-stream': { reconnectMs: 5 }
}

/**
 * The page's own transport (src/client/techniques), run in Node with Node's fetch, `eventsource`
 * and `ws`: what the test proves of it is what a page does. A pull client keeps its connection
 * between polls, as a browser tab does, so a cut between polls hits an idle connection.
 */
class TransportClient implements ResumingClient {
  readonly ids: number[] = []
  readonly problems: string[] = []
  breaks = 0
  #transport: Transport
  #down = true

  constructor(technique: TechniqueName, origin: string) {
    const listener: ClientListener = {
      received: (events) => {
        for (const event of events) this.ids.push(event.id)
      },
      reset: () => this.problems.push(`reset after ${this.ids.at(-1)}`),
      // A break is a working transport going down (one cut may show as closed, then connecting).
      state: (state) => {
        const down = state === 'error' || state === 'closed' || state === 'connecting'
        if (down && !this.#down) this.breaks++
        this.#down = down
      }
    }
    this.#transport = techniqueClients[technique].create({
      clientId: `noloss${technique}`.replace('-', ''),
      listener,
      io: nodeIo(origin),
      after: 0
    })
    Object.assign(this.#transport.settings, quickRecovery[technique])
    this.#transport.start()
  }

  stop(): void {
    this.#transport.stop()
  }
}

/** What one whole line of a never-ending body holds: an event's id, a reset, or nothing (a keep-alive, a head). */
type LineReader = (line: string) => number | 'reset' | undefined

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
 * Node has no document to run an HTML answer in, so a technique whose answers are HTML (the forever frame's page of
 * scripts) is followed by the lines of its stream, instead of by its transport, which needs a frame.
 */
const lineReaders: Partial<Record<string, LineReader>> = { 'text/html': scriptLine }

/**
 * The forever frame, read as a page's frame would run it: one GET read line by line; when it ends or breaks, a new one
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

/** How Node follows a technique through the cuts, from an origin; undefined when nothing here can. */
function followerOf({ name, contentType }: Technique): ((origin: string) => ResumingClient) | undefined {
  const readLine = lineReaders[contentType]
  if (readLine) return (origin) => new LineStreamClient(`${origin}/feed/${name}`, readLine)
  if (name in quickRecovery) return (origin) => new TransportClient(name, origin)
  return undefined
}

test('every technique that resumes by itself is followed through the cuts', () => {
  const unfollowed = resuming.filter((technique) => !followerOf(technique)).map(({ name }) => name)
  assert.deepEqual(
    unfollowed,
    [],
    'give each quick-recovery settings for its transport, or a line reader for its content type'
  )
})

/** `times` cuts, each after a random 50–250 ms, so they land at every phase of the traffic. */
async function cutRepeatedly(proxy: FaultProxy, times: number, technique: string): Promise<void> {
  for (let i = 0; i < times; i++) {
    await delay(50 + Math.random() * 200)
    // A cut waits at most a second for a write on its link; waiting longer means no connection came back.
    let stalled: NodeJS.Timeout | undefined
    const stall = new Promise<never>((_, reject) => {
      stalled = setTimeout(() => reject(new Error(`${technique}: no connection to cut 10 s after cut ${i}`)), 10_000)
    })
    const cut = proxy.cut()
    cut.catch(() => {}) // when the stall wins, the proxy's close rejects this cut later: it is already reported
    await Promise.race([cut, stall]).finally(() => clearTimeout(stalled))
  }
}

test(`no technique loses or duplicates an event through ${cutsPerTechnique} random cuts at 10 events/s`, {
  timeout: 60_000
}, async (t) => {
  const { app, url, port } = await startServer(t, { feedRate: 10, retryMs: 20 })
  // One that nothing here can follow fails the test above, by name; the others are cut all the same.
  const followed = resuming.flatMap((technique) => {
    const follow = followerOf(technique)
    return follow ? [{ technique: technique.name, follow }] : []
  })
  const runs = await Promise.all(
    followed.map(async ({ technique, follow }) => {
      const proxy = await FaultProxy.start(port)
      t.after(() => proxy.close())
      const client = follow(`http://127.0.0.1:${proxy.port}`)
      t.after(() => client.stop())
      return { technique, proxy, client }
    })
  )

  await Promise.all(runs.map(({ proxy, technique }) => cutRepeatedly(proxy, cutsPerTechnique, technique)))
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
