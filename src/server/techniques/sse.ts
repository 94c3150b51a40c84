import type { FastifyPluginAsync } from 'fastify'
import { sseBlock } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema, cursorSchema } from '../schemas.ts'
import { type PushOptions, pushFeed, streamedResponses } from './push-connection.ts'

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
  const { heartbeatMs = 15_000, retryMs = 2_000 } = options
  const holdOpen = streamedResponses(app)

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

      // Then one id:/data: block per event, for as long as the browser listens. EventSource, reconnecting
      // with Last-Event-ID after a drop, misses nothing.
      const push = pushFeed(
        app,
        request,
        'sse',
        request.headers['last-event-id'] ?? request.query.after,
        {
          events: (events) => {
            for (const event of events) stream.write(sseBlock(event))
          },
          reset: (latest) => stream.write(`event: reset\ndata: {"latest":${latest}}\n\n`),
          sizeOf: (event) => sseBlock(event).length,
          buffered: () => stream.writableLength,
          writable: () => !stream.writableEnded && !stream.destroyed,
          cut: () => stream.destroy()
        },
        options
      )
      // A comment line now and then, so proxies and the browser see the stream is alive.
      holdOpen(stream, push, { everyMs: heartbeatMs, text: ': heartbeat\n\n' })
    }
  )
}

export default sse
