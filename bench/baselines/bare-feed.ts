// The little part the bare baselines share: a feed of tick events and the bench plumbing
// (listen, print the port, answer the parent's IPC commands as `bench/protocol.ts` says).
// Deliberately plain: no schema, no reset flag, no heartbeat; only the wire format of wirewatch.
import type { Server, ServerResponse } from 'node:http'
import type { ServerCommand, ServerReply } from '../protocol.ts'
import { PublishSchedule } from '../publish-schedule.ts'

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
 * the parent asks for, on the schedule every bench server shares (`bench/publish-schedule.ts`).
 */
export function serveBench(server: Server, feed: BareFeed): void {
  const schedule = new PublishSchedule(() => feed.publish())
  const reply = (message: ServerReply) => process.send?.(message)

  process.on('message', (command: ServerCommand) => {
    if (command.type === 'start') {
      schedule.start(command.rate)
      reply({ type: 'started', firstId: feed.latest + 1 })
    } else if (command.type === 'stop') {
      schedule.stop()
      reply({ type: 'stopped', lastId: feed.latest, published: schedule.lag.published })
    } else if (command.type === 'stats') {
      if (command.gc) globalThis.gc?.()
      server.getConnections((_error, connections) =>
        reply({
          type: 'stats',
          cpu: process.cpuUsage(),
          memory: process.memoryUsage(),
          connections,
          publishLagMs: schedule.lag.ms
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
