import { setTimeout as sleep } from 'node:timers/promises'
import { techniqueClients } from '../../src/client/techniques/index.ts'
import type { ClientListener, Transport } from '../../src/client/techniques/transport.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { allTechniques, type Technique, type TechniqueName } from '../../src/shared/techniques.ts'
import { nodeIo } from '../node-io.ts'

/**
 * Every technique that resumes by itself after a drop: it asks again from its cursor (`resumable`) and nobody has
 * to ask for it (not `by hand`). Manual AJAX is resumable too, its next Update asks from its cursor, but after a cut
 * nothing asks again until someone presses the button: it has no recovery of its own to cut, only a person's clicks.
 */
export const resuming = allTechniques.filter((technique) => technique.resumable && technique.asking !== 'by hand')

/**
 * A Node-side client of one technique that resumes after a broken connection the way
 * the browser's client does, and records every event id it is handed, duplicates included.
 */
export interface ResumingClient {
  /** Every event id received, in arrival order. */
  readonly ids: number[]
  /** What must never happen here: a reset, the server refusing a request, the client giving up. */
  readonly problems: string[]
  /** Broken requests or connections the client noticed (and recovered from). */
  readonly breaks: number
  /** With several instances: the one that served its latest answer or connection, as the page learns it. */
  readonly instance?: string
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
  instance: string | undefined
  #transport: Transport
  #down = true

  constructor(technique: TechniqueName, origin: string) {
    const listener: ClientListener = {
      servedBy: (instance) => {
        this.instance = instance
      },
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
export function followerOf({ name, contentType }: Technique): ((origin: string) => ResumingClient) | undefined {
  const readLine = lineReaders[contentType]
  if (readLine) return (origin) => new LineStreamClient(`${origin}/feed/${name}`, readLine)
  if (name in quickRecovery) return (origin) => new TransportClient(name, origin)
  return undefined
}
