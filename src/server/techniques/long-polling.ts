import type { FastifyPluginAsync } from 'fastify'
import { limits } from '../../shared/feed-event.ts'
import { type CursorQuery, clientIdSchema, cursorSchema, queryInteger } from '../schemas.ts'
import { deliveryFailure, guarded } from './delivery-failure.ts'
import { pullAnswer } from './pull.ts'

interface LongPollingQuery extends CursorQuery {
  timeout?: number
}

/**
 * Long polling: ask as with polling, but when there is nothing new the server
 * holds the request open and answers the moment an event is published, or with
 * `204 No Content` when the timeout passes. The client then asks again at once.
 */
const longPolling: FastifyPluginAsync = async (app) => {
  const querystring = {
    type: 'object',
    properties: {
      client: clientIdSchema,
      after: cursorSchema,
      timeout: queryInteger(0, limits.longPollMaxMs)
    }
  } as const
  // Every held request's "answer now" function, so shutdown can answer them all.
  const held = new Set<() => void>()

  app.get<{ Querystring: LongPollingQuery }>(
    '/feed/long-polling',
    { schema: { querystring }, config: { wireRow: 'long-polling' } },
    async (request, reply) => {
      const { after, timeout = limits.longPollDefaultMs } = request.query
      // Something to say already (or no cursor, or a reset): answer like a plain poll.
      if (after === undefined || after !== app.feed.latest) return pullAnswer(app, request, reply, after)

      return new Promise((resolve) => {
        const stopWaiting = () => {
          clearTimeout(timer)
          unsubscribe()
          held.delete(timeOut)
        }
        const finish = (answer: () => unknown) => {
          stopWaiting()
          resolve(answer())
        }
        // An answer that throws cuts this request alone; the client asks again with its cursor.
        const failed = deliveryFailure(request, 'long-polling', () => {
          stopWaiting()
          reply.hijack()
          reply.raw.destroy()
          resolve(undefined)
        })
        const timeOut = () =>
          finish(() => {
            app.wire.countEmptyResponse(request.raw)
            return reply.code(204).send()
          })
        const unsubscribe = app.feed.subscribe(() => finish(() => pullAnswer(app, request, reply, after)), failed)
        const timer = setTimeout(guarded(timeOut, failed), timeout)
        held.add(timeOut)
        // The browser gave up (tab closed, panel switched off): stop waiting; nobody reads the answer.
        reply.raw.once('close', () => {
          if (held.has(timeOut)) finish(() => reply.code(204).send())
        })
      })
    }
  )

  app.addHook('preClose', async () => {
    for (const answer of [...held]) answer()
    // Let the answers reach their sockets before close cuts the connections.
    await new Promise((resolve) => setImmediate(resolve))
  })
}

export default longPolling
