import type { FastifyPluginAsync } from 'fastify'
import type { FeedEvent } from '../../shared/feed-event.ts'
import { sseBlock } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema, cursorSchema } from '../schemas.ts'
import { deliveryFailure, guarded } from './delivery-failure.ts'
import { defaultSendBufferMaxBytes, type PushOptions } from './push-buffer.ts'

export interface SseOptions extends PushOptions {
  /** How often a comment line is sent so proxies and browsers see the stream is alive (default 15 s). */
  heartbeatMs?: number
  /** How long the browser waits before reconnecting, sent as `retry:`. */
  retryMs?: number
}

/**
 * Server-Sent Events, written by hand: one long HTTP response that never ends,
 * made of small text blocks separated by a blank line. The browser's EventSource
 * reads them, and on reconnect sends back the last `id:` it saw as `Last-Event-ID`.
 */
const sse: FastifyPluginAsync<SseOptions> = async (app, options) => {
  const { heartbeatMs = 15_000, retryMs = 2_000, sendBufferMaxBytes = defaultSendBufferMaxBytes } = options
  // Each open stream's "end it" function, so shutdown can end them all.
  const open = new Set<() => void>()

  app.get<{ Querystring: CursorQuery; Headers: { 'last-event-id'?: number } }>(
    '/feed/sse',
    {
      schema: {
        querystring: cursorQuerySchema,
        headers: { type: 'object', properties: { 'last-event-id': cursorSchema } }
      },
      config: { wireRow: 'sse' },
      // A HEAD would get the head and then hang: Node drops a HEAD's body, and this response never ends.
      exposeHeadRoute: false
    },
    (request, reply) => {
      // Fastify steps aside: from here on we write to the socket ourselves.
      reply.hijack()
      const stream = reply.raw
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform', // no-transform: proxies must not compress or rewrite
        'x-accel-buffering': 'no', // nginx: pass each block on at once
        connection: 'keep-alive'
      })
      stream.write(`retry: ${retryMs}\n\n`)

      // The simulated network (0 ms unless a teacher sets a round trip): each block arrives half an RTT later, in order.
      const trip = app.network.oneWay()
      // A reader that stops reading lets blocks pile up here: past the bound the stream is cut,
      // and EventSource, reconnecting with Last-Event-ID, misses nothing. The catch-up below goes
      // out in one burst, so it may wait on top of the bound (the feed's capacity bounds it).
      let bound = sendBufferMaxBytes
      const dropIfSlow = () => {
        if (stream.writableLength <= bound) return false
        request.log.warn({ client: request.query.client, buffered: stream.writableLength }, 'slow SSE reader dropped')
        stream.destroy()
        return true
      }
      // A write that throws cuts this stream alone (its 'close' lets go of the feed); EventSource resumes with Last-Event-ID.
      const failed = deliveryFailure(request, 'sse', () => stream.destroy())
      const write = (block: string) =>
        trip.send(
          guarded(() => {
            if (!stream.writableEnded && !stream.destroyed && !dropIfSlow()) stream.write(block)
          }, failed)
        )
      // Each event's block is encoded once for every stream; several at once go out in one write.
      const sendEvents = (events: FeedEvent[]) =>
        trip.send(
          guarded(() => {
            if (stream.writableEnded || stream.destroyed || dropIfSlow()) return
            for (const event of events) stream.write(sseBlock(event))
            app.wire.countEvents(request.raw.socket, events.length)
          }, failed)
        )

      const cursor = request.headers['last-event-id'] ?? request.query.after
      const { events, reset } = app.feed.since(cursor)
      if (reset) write(`event: reset\ndata: {"latest":${app.feed.latest}}\n\n`)
      for (const event of events) bound += sseBlock(event).length
      if (events.length > 0) sendEvents(events)
      const leave = app.feed.join(app.feed.latest, sendEvents, failed)
      const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs)
      const stop = () => {
        leave()
        trip.cancel()
        clearInterval(heartbeat)
        open.delete(end)
      }
      const end = () => {
        stop()
        stream.end()
      }
      open.add(end)
      stream.once('close', stop)
    }
  )

  // An open stream never ends by itself, so on shutdown we end each one.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })
}

export default sse
