import type { FastifyPluginAsync } from 'fastify'
import { ndjsonLine } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema } from '../schemas.ts'
import type { PushOptions } from './push-connection.ts'
import { type StreamFormat, streamedResponses } from './streamed-response.ts'

/**
 * A streaming `fetch`, written by hand: one HTTP response that never ends, one event as a
 * line of JSON after another (NDJSON), the way chat assistants stream their answers today.
 * The page reads the body as it arrives with a `ReadableStream` reader. Nothing in the
 * browser reconnects by itself, so the page asks again with `after=` its last id.
 */
const fetchStream: FastifyPluginAsync<PushOptions> = async (app, options) => {
  const ndjson: StreamFormat = {
    head: {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-cache, no-transform', // no-transform: proxies must not compress or rewrite
      'x-accel-buffering': 'no' // nginx: pass each line on at once
    },
    // No prefix: the head goes alone at once, so the page's fetch() resolves before there is news.
    // Then each event as its JSON and a line break.
    event: ndjsonLine,
    reset: (latest) => `${JSON.stringify({ reset: true, latest })}\n`,
    // An empty line now and then: proxies see the stream is alive, and readers skip blank lines.
    keepAlive: { everyMs: 15_000, text: '\n' }
  }
  const respond = streamedResponses(app, 'fetch-stream', options)

  app.get<{ Querystring: CursorQuery }>(
    '/feed/fetch-stream',
    {
      schema: { querystring: cursorQuerySchema },
      config: { wireRow: 'fetch-stream' },
      // A HEAD would get the head and then hang: Node drops a HEAD's body, and this response never ends.
      exposeHeadRoute: false
    },
    (request, reply) => respond(request, reply, request.query.after, ndjson)
  )
}

export default fetchStream
