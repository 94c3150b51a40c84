import type { FastifyPluginAsync } from 'fastify'
import { type CursorQuery, cursorQuerySchema } from '../schemas.ts'
import { pullAnswer } from './pull.ts'

/**
 * Manual AJAX: the page asks only when the user presses "Update".
 * Nothing reaches the browser in between: only the client can start an exchange.
 */
const ajax: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: CursorQuery }>(
    '/feed/ajax',
    { schema: { querystring: cursorQuerySchema }, config: { wireRow: 'ajax' } },
    async (request, reply) => pullAnswer(app, request, reply, request.query.after)
  )
}

export default ajax
