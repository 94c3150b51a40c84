import type { FastifyPluginAsync } from 'fastify'
import { ndjsonLine } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema } from '../schemas.ts'
import { type PushOptions, pushFeed, streamedResponses } from './push-connection.ts'

/** An empty line now and then: proxies see the stream is alive, and readers skip blank lines. */
const keepAliveMs = 15_000

/**
 * A streaming `fetch`, written by hand: one HTTP response that never ends, one event as a
 * line of JSON after another (NDJSON), the way chat assistants stream their answers today.
 * The page reads the body as it arrives with a `ReadableStream` reader. Nothing in the
 * browser reconnects by itself, so the page asks again with `after=` its last id.
 */
const fetchStream: FastifyPluginAsync<PushOptions> = async (app, options) => {
  const holdOpen = streamedResponses(app)

  app.get<{ Querystring: CursorQuery }>(
    '/feed/fetch-stream',
    {
      schema: { querystring: cursorQuerySchema },
      config: { wireRow: 'fetch-stream' },
      // A HEAD would get the head and then hang: Node drops a HEAD's body, and this response never ends.
      exposeHeadRoute: false
    },
    (request, reply) => {
      reply.hijack()
      const stream = reply.raw
      stream.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-cache, no-transform', // no-transform: proxies must not compress or rewrite
        'x-accel-buffering': 'no' // nginx: pass each line on at once
      })
      // The head goes now, not with the first line: the page's fetch() resolves before there is news.
      stream.flushHeaders()

      const push = pushFeed(
        app,
        request,
        'fetch-stream',
        request.query.after,
        {
          events: (events) => {
            for (const event of events) stream.write(ndjsonLine(event))
          },
          reset: (latest) => stream.write(`${JSON.stringify({ reset: true, latest })}\n`),
          sizeOf: (event) => ndjsonLine(event).length,
          buffered: () => stream.writableLength,
          writable: () => !stream.writableEnded && !stream.destroyed,
          cut: () => stream.destroy()
        },
        options
      )
      holdOpen(stream, push, { everyMs: keepAliveMs, text: '\n' })
    }
  )
}

export default fetchStream
