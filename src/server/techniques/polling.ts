import type { FastifyPluginAsync } from 'fastify'
import { type CursorQuery, clientIdSchema, cursorSchema, queryInteger } from '../schemas.ts'
import { pullAnswer } from './pull.ts'

interface PollingQuery extends CursorQuery {
  keepalive?: 0 | 1
}

/**
 * Interval polling: the page asks on a timer, whether or not anything happened.
 * `keepalive=0` answers with `Connection: close`, so every poll pays a new TCP
 * handshake, as every request did with HTTP/1.0. Over HTTP/2 it changes nothing: every stream
 * shares the one connection.
 */
const polling: FastifyPluginAsync = async (app) => {
  const querystring = {
    type: 'object',
    properties: { client: clientIdSchema, after: cursorSchema, keepalive: queryInteger(0, 1) }
  } as const

  app.get<{ Querystring: PollingQuery }>(
    '/feed/polling',
    { schema: { querystring }, config: { wireRow: 'polling' } },
    async (request, reply) => {
      // HTTP/2 has no Connection header (Node drops it with a warning): keep-alive is an HTTP/1.1 idea.
      if (request.query.keepalive === 0 && request.raw.httpVersionMajor === 1) reply.header('connection', 'close')
      return pullAnswer(app, request, reply, request.query.after)
    }
  )
}

export default polling
