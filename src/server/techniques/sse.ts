import type { FastifyPluginAsync } from 'fastify'
import { sseBlock } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema, cursorSchema } from '../schemas.ts'
import type { PushOptions } from './push-connection.ts'
import { type StreamFormat, streamedResponses } from './streamed-response.ts'

export interface SseOptions extends PushOptions {
  /** How often a comment line is sent so proxies and browsers see the stream is alive (default 15 s). */
  heartbeatMs?: number
  /** How long the browser waits before reconnecting, sent as `retry:`. */
  retryMs?: number
}

/** How long the browser waits before reconnecting (`retry:`) and how often a heartbeat goes, by default. */
export const sseDefaults = { retryMs: 2_000, heartbeatMs: 15_000 } as const

/**
 * The `text/event-stream` format as this server writes it: the head, `retry:`, an `id:`/`data:` block
 * per event, `event: reset` when a cursor is older than the feed keeps, a comment as heartbeat. The
 * lesson's figure of the stream is drawn from it too, so it shows what the server really writes.
 */
export function eventStreamFormat({ retryMs, heartbeatMs }: { retryMs: number; heartbeatMs: number }): StreamFormat {
  return {
    head: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform', // no-transform: proxies must not compress or rewrite
      'x-accel-buffering': 'no', // nginx: pass each block on at once
      connection: 'keep-alive'
    },
    prefix: `retry: ${retryMs}\n\n`, // how long the browser waits before it reconnects after a drop
    // Then one id:/data: block per event, for as long as the browser listens.
    event: sseBlock,
    reset: (latest) => `event: reset\ndata: {"latest":${latest}}\n\n`,
    // A comment line now and then, so proxies and the browser see the stream is alive.
    keepAlive: { everyMs: heartbeatMs, text: ': heartbeat\n\n' },
    servedBy: (instance) => `event: instance\ndata: ${instance}\n\n`
  }
}

/**
 * Server-Sent Events, written by hand: one long HTTP response that never ends,
 * made of small text blocks separated by a blank line. The browser's EventSource
 * reads them, and on reconnect sends back the last `id:` it saw as `Last-Event-ID`.
 */
const sse: FastifyPluginAsync<SseOptions> = async (app, options) => {
  const { heartbeatMs = sseDefaults.heartbeatMs, retryMs = sseDefaults.retryMs } = options
  const eventStream = eventStreamFormat({ retryMs, heartbeatMs })
  const respond = streamedResponses(app, 'sse', options)

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
      // EventSource, reconnecting after a drop, sends the last id it saw: it misses nothing.
      const cursor = request.headers['last-event-id'] ?? request.query.after
      respond(request, reply, cursor, eventStream)
    }
  )
}

export default sse
