// The little part the bare baselines share: a feed of tick events and the bench plumbing
// (listen, print the port, answer the parent's IPC commands as `bench/protocol.ts` says).
// Deliberately plain: no schema, no reset flag, no heartbeat; only the wire format of wirewatch.
import type { Server, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { ServerCommand, ServerReply } from '../protocol.ts'

export interface BareEvent {
  id: number
  at: number
  kind: 'tick'
  data: { value: number }
}

const capacity = 1000
/** Events handed to a client that arrives without a cursor, as wirewatch does. */
const backlog = 10

/** The last 1000 events in a ring indexed by id, and the functions to call on each new one. */
export class BareFeed {
  latest = 0
  #ring: BareEvent[] = []
  #listeners: ((event: BareEvent) => void)[] = []
  #value = 100

  /** Calls `listener` with every event published from now on. */
  onPublish(listener: (event: BareEvent) => void): void {
    this.#listeners.push(listener)
  }

  /** Events with id > after that are still kept; without a cursor, the last few. */
  since(after = this.latest - backlog): BareEvent[] {
    const events: BareEvent[] = []
    for (let id = Math.max(after + 1, this.latest - capacity + 1, 1); id <= this.latest; id++) {
      events.push(this.#ring[(id - 1) % capacity] as BareEvent)
    }
    return events
  }

  publish(): BareEvent {
    this.#value = Math.max(0, Math.round((this.#value + (Math.random() - 0.5) * 4) * 100) / 100)
    const event: BareEvent = { id: this.latest + 1, at: Date.now(), kind: 'tick', data: { value: this.#value } }
    this.latest = event.id
    this.#ring[(event.id - 1) % capacity] = event
    for (const listener of this.#listeners) listener(event)
    return event
  }
}

/** `after=` (or `Last-Event-ID`): absent, a safe non-negative integer, or invalid. */
export function parseCursor(text: string | null | undefined): number | undefined | 'invalid' {
  if (text === null || text === undefined) return undefined
  const cursor = Number(text)
  return /^\d+$/.test(text) && Number.isSafeInteger(cursor) ? cursor : 'invalid'
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

export const badCursor = { error: 'after must be a non-negative integer' }

/**
 * Listens on PORT (0: a free one) on 127.0.0.1, prints `{"port":n}`, then publishes at the rate
 * the parent asks for. The timer is a plain setInterval: when one broadcast takes longer than the
 * interval, the next tick fires late, and `publishLagMs` says by how much.
 */
export function serveBench(server: Server, feed: BareFeed): void {
  let timer: NodeJS.Timeout | undefined
  let published = 0
  let lag = { sum: 0, max: 0 }

  const reply = (message: ServerReply) => process.send?.(message)
  const start = (rate: number) => {
    clearInterval(timer)
    const interval = 1000 / rate
    published = 0
    lag = { sum: 0, max: 0 }
    let due = performance.now() + interval
    timer = setInterval(() => {
      // Node schedules the next tick from when this one started, so lateness is measured tick by tick.
      const now = performance.now()
      const late = Math.max(0, now - due)
      lag.sum += late
      lag.max = Math.max(lag.max, late)
      due = now + interval
      feed.publish()
      published++
    }, interval)
  }

  process.on('message', (command: ServerCommand) => {
    if (command.type === 'start') {
      start(command.rate)
      reply({ type: 'started', firstId: feed.latest + 1 })
    } else if (command.type === 'stop') {
      clearInterval(timer)
      reply({ type: 'stopped', lastId: feed.latest, published })
    } else if (command.type === 'stats') {
      if (command.gc) globalThis.gc?.()
      server.getConnections((_error, connections) =>
        reply({
          type: 'stats',
          cpu: process.cpuUsage(),
          memory: process.memoryUsage(),
          connections,
          publishLagMs: { mean: published > 0 ? lag.sum / published : 0, max: lag.max }
        })
      )
    }
  })
  // The parent is gone: nobody will stop us, so do not linger as an orphan.
  process.on('disconnect', () => process.exit(0))

  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address()
    console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }))
  })
}
