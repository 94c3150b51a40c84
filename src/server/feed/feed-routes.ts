import type { FastifyPluginAsync } from 'fastify'
import { limits } from '../../shared/feed-event.ts'
import { type TickerSettings, tickerPatterns } from '../../shared/ticker-settings.ts'
import { RoomStoreUnavailable } from '../errors.ts'
import { chatMessageSchema, clientQuerySchema } from '../schemas.ts'
import { publishChat } from './chat.ts'

const clientQuery = clientQuerySchema

/**
 * The feed's own endpoints: `POST /feed/messages` is how the five HTTP techniques
 * send client → server; `/feed/ticker` reads and (with the presenter token) changes the tick generator
 * (rate, pause, and the arrival pattern, which the schema's enum checks).
 */
const feedRoutes: FastifyPluginAsync = async (app) => {
  app.post<{ Body: { text: string; name?: string } }>(
    '/feed/messages',
    {
      config: { wireRow: 'messages' },
      onRequest: app.limitSends('chat'),
      // A generous raw bound; the real 1–280 rule is checked after trimming.
      bodyLimit: 16 * 1024,
      schema: {
        querystring: clientQuery,
        body: chatMessageSchema
      }
    },
    async (request, reply) => {
      const event = await publishChat(app.publisher, request.body.text, request.body.name)
      return reply.code(201).send({ event })
    }
  )

  app.get('/feed/ticker', { schema: { querystring: clientQuery } }, async () => app.ticker.settings)

  app.put<{ Body: Partial<TickerSettings> }>(
    '/feed/ticker',
    {
      onRequest: app.requirePresenter,
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            rate: { type: 'number', minimum: 0, maximum: limits.feedRateMax },
            paused: { type: 'boolean' },
            pattern: { type: 'string', enum: [...tickerPatterns] }
          }
        }
      }
    },
    async (request) => {
      // With several instances the settings reach the one that ticks through Redis: while it is away,
      // the change is refused rather than made where it may change nothing.
      if (app.sharedFeed && !(app.redis?.isReady && app.sharedFeed.reachable)) throw new RoomStoreUnavailable()
      return app.ticker.update(request.body)
    }
  )
}

export default feedRoutes
