import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FeedEvent } from '../../shared/feed-event.ts'
import type { TechniqueName } from '../../shared/techniques.ts'
import { deliveryFailure, guarded } from './delivery-failure.ts'

/** Options of the push techniques for clients that stop reading. */
export interface PushOptions {
  /**
   * Unsent bytes a client may pile up in the server before it is dropped (default 1 MiB).
   * A client that stops reading (a frozen tab, a phone out of range) would otherwise keep
   * every event in the server's memory; dropped, it reconnects with its cursor and misses nothing.
   */
  sendBufferMaxBytes?: number
}

export const defaultSendBufferMaxBytes = 1024 * 1024

/** How one push connection puts the feed on its wire: the part that differs between push techniques. */
export interface PushWire {
  /** Writes these events, each encoded once for every connection, in one go. */
  events(events: FeedEvent[]): void
  /** Tells the client its cursor was older than the feed keeps; `latest` is the newest id. */
  reset(latest: number): void
  /** The bytes one event takes on this wire: a catch-up burst may wait that much over the bound. */
  sizeOf(event: FeedEvent): number
  /** Bytes written but not sent yet: they grow while the reader does not read. */
  buffered(): number
  /** Whether it can still be written to. */
  writable(): boolean
  /** Cuts the connection: a reader too slow, or a write that threw. The client resumes from its cursor. */
  cut(why: 'slow reader' | 'delivery failed'): void
}

/** One push connection being served the feed. */
export interface PushConnection {
  /** Sends something else (a heartbeat, a pong) in order with the events, through the same simulated delay. */
  later(write: () => void): void
  /** Cuts the connection now if more than the bound waits unsent; whether it did. */
  cutIfSlow(): boolean
  /** Lets go of the feed and of pending writes: call it when the connection closes. */
  stop(): void
}

/**
 * Serves the feed to one push connection, the same way for every push technique: the events
 * after `cursor` first (or a reset when it is too old), then each new event as it is published,
 * half a simulated round trip later and in order; a reader that lets more than the bound pile up
 * unsent is cut; every write is counted on the wire accounting; a write that throws is logged
 * and cuts this connection alone.
 */
export function pushFeed(
  app: FastifyInstance,
  request: FastifyRequest<{ Querystring: { client?: string } }>,
  technique: TechniqueName,
  cursor: number | undefined,
  wire: PushWire,
  { sendBufferMaxBytes = defaultSendBufferMaxBytes }: PushOptions = {}
): PushConnection {
  const trip = app.network.oneWay()
  // The catch-up below goes out in one burst, so it may wait on top of the bound (the feed's capacity bounds it).
  let bound = sendBufferMaxBytes
  let leave = () => {}
  const dropIfSlow = () => {
    const buffered = wire.buffered()
    if (buffered <= bound) return false
    request.log.warn({ client: request.query.client, technique, buffered }, 'slow reader dropped')
    wire.cut('slow reader')
    return true
  }
  const failed = deliveryFailure(request, technique, () => {
    leave()
    wire.cut('delivery failed')
  })
  const tcp = request.raw.socket
  const later = (write: () => void) =>
    trip.send(
      guarded(() => {
        if (!wire.writable() || dropIfSlow()) return
        // The write's bytes reach the socket before the guard returns, in one TCP write. Left to
        // itself, Node 26 hands a response's writes of one tick to the socket on its next tick:
        // a throw there would be outside this guard, uncaught, and end the process.
        tcp.cork()
        try {
          write()
        } finally {
          tcp.uncork()
        }
      }, failed)
    )
  const sendEvents = (events: FeedEvent[], reset = false) =>
    later(() => {
      if (reset) wire.reset(app.feed.latest)
      wire.events(events)
      app.wire.countEvents(request.raw, events.length)
    })

  const { events, reset } = app.feed.since(cursor)
  if (reset) later(() => wire.reset(app.feed.latest))
  for (const event of events) bound += wire.sizeOf(event)
  if (events.length > 0) sendEvents(events)
  leave = app.feed.join(app.feed.latest, sendEvents, failed)
  return {
    later,
    cutIfSlow: dropIfSlow,
    stop: () => {
      leave()
      trip.cancel()
    }
  }
}
