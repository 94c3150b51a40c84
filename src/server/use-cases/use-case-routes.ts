import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { limits } from '../../shared/feed-event.ts'
import { BoardFull, PlayerNameInvalid, TooManyJobs } from '../errors.ts'
import { clientQuerySchema, moveMessageSchema } from '../schemas.ts'
import { GameBoard, gameLimits } from './game-board.ts'
import { ProgressJobs } from './progress-jobs.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The game use case's shared board. */
    game: GameBoard
  }
}

const clientQuery = clientQuerySchema

/** The key a page picks at random for its job (`POST /jobs` `{ key }`), then found in each of the job's events. */
export const jobKeySchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' } as const

/** A move as sent: by `POST /game/moves`, or as `{"type":"move", …}` on the WebSocket. */
export interface Move {
  player: string
  name?: string
  x: number
  y: number
}

/**
 * Puts a move checked by `moveMessageSchema` on the board, or says why not: the name, like a chat
 * name, may have at most 24 characters after trimming (counted in code points), whichever way the move came.
 */
export function applyMove(game: GameBoard, { player, name = '', x, y }: Move): void {
  const who = name.trim()
  if ([...who].length > limits.chatNameMax) throw new PlayerNameInvalid()
  if (!game.move({ id: player, name: who || 'player', x, y })) throw new BoardFull(gameLimits.maxPlayers)
}

/**
 * What the use cases send client → server over HTTP (the WebSocket carries the same as frames):
 * `POST /game/moves` moves a dot on the shared board; `POST /jobs` starts a server job whose
 * progress comes back through the feed by whichever technique the page uses.
 */
const useCaseRoutes: FastifyPluginAsync = async (app) => {
  const game = new GameBoard(app.publisher)
  app.decorate('game', game)
  app.addHook('onReady', async () => game.start())
  app.addHook('onClose', async () => game.stop())
  const jobs = new ProgressJobs(app.publisher)
  app.addHook('onClose', async () => jobs.stopAll())

  app.post<{ Body: Move }>(
    '/game/moves',
    {
      config: { wireRow: 'messages' },
      onRequest: app.limitSends('move'),
      schema: { querystring: clientQuery, body: moveMessageSchema }
    },
    async (request, reply) => {
      applyMove(game, request.body)
      return reply.code(204).send()
    }
  )

  app.post<{ Body: { steps?: number; durationMs?: number; key?: string } }>(
    '/jobs',
    {
      config: { wireRow: 'messages' },
      onRequest: app.limitSends('job'),
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            steps: { type: 'integer', minimum: 2, maximum: 100, default: 50 },
            durationMs: { type: 'integer', minimum: 500, maximum: 60_000, default: 5_000 },
            key: jobKeySchema
          }
        }
      }
    },
    async (request, reply) => {
      const { steps = 50, durationMs = 5_000, key } = request.body ?? {}
      const job = jobs.start(steps, durationMs, key)
      if (job === undefined) throw new TooManyJobs(jobs.max)
      return reply.code(202).send({ job, steps, durationMs, ...(key === undefined ? {} : { key }) })
    }
  )
}

export default fp(useCaseRoutes, { name: 'use-cases' })
