import rateLimit from '@fastify/rate-limit'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimited } from './errors.ts'
import { type RateLimitRedis, redisRateLimitStore } from './rate-limit-store.ts'
import { clientIdPattern } from './schemas.ts'

/** What a student's page can send, and how much of it per page in a window. */
export const sendLimits = {
  chat: { max: 20, timeWindow: 10_000, what: 'chat messages' },
  move: { max: 60, timeWindow: 1_000, what: 'game moves' },
  ping: { max: 50, timeWindow: 10_000, what: 'pings' },
  job: { max: 5, timeWindow: 60_000, what: 'progress jobs' },
  drop: { max: 30, timeWindow: 60_000, what: 'connection drops' },
  answer: { max: 10, timeWindow: 10_000, what: 'prediction answers' }
} as const

export type SendKind = keyof typeof sendLimits

/** A limit's answer: `undefined` when the send may go ahead, else why not and when to retry. */
export type LimitVerdict = { message: string; retryAfterSeconds: number } | undefined

declare module 'fastify' {
  interface FastifyInstance {
    /** Counts one send of this kind for the request's page and says whether it is over the limit. */
    countSend(kind: SendKind, request: FastifyRequest): Promise<LimitVerdict>
    /** onRequest hook: `429` with `Retry-After` once the page is over its limit for this kind of send. */
    limitSends(kind: SendKind): onRequestAsyncHookHandler
  }
}

export interface RateLimitOptions {
  /** `false` lifts every limit (for fuzzing the handlers behind them). */
  rateLimits?: false
  /** A connected client of the Redis that several instances share: they then count a page's sends together. */
  redis?: RateLimitRedis
}

/**
 * The limits are per page (its `client=` id) rather than per IP address: a whole class
 * behind one school NAT shares an address, and one student flooding the chat must not
 * silence the others. A request without a client id is counted by its address.
 */
function pageOf(request: FastifyRequest): string {
  const client = (request.query as { client?: unknown } | undefined)?.client
  return typeof client === 'string' && clientIdPattern.test(client) ? `client:${client}` : `ip:${request.ip}`
}

const rateLimits: FastifyPluginAsync<RateLimitOptions> = async (app, options) => {
  const { redis } = options
  await app.register(rateLimit, {
    global: false,
    keyGenerator: pageOf,
    ...(redis && {
      // Once per outage: a warning per send would flood the log just when it is read.
      store: redisRateLimitStore(redis, {
        onUnavailable: (error) =>
          app.log.warn({ err: error }, 'rate limits: Redis is unreachable, sends are let through uncounted'),
        onRecovered: () => app.log.info('rate limits: Redis is back, sends are counted again')
      }),
      // Fail open: a send that needs the shared feed gets its 503 there anyway, and refusing the
      // rest would turn an outage of the counter into an outage of the class. The limits guard
      // against floods, so a few sends uncounted for a while cost little.
      skipOnError: true
    })
  })
  // One counter per kind, shared by every way of sending it (a chat by POST and by WebSocket count together).
  // The kind is in the key: in Redis every counter shares one namespace.
  const counters = Object.fromEntries(
    Object.entries(sendLimits).map(([kind, { max, timeWindow }]) => [
      kind,
      app.createRateLimit({ max, timeWindow, keyGenerator: (request) => `${kind}:${pageOf(request)}` })
    ])
  ) as Record<SendKind, ReturnType<typeof app.createRateLimit>>

  app.decorate('countSend', async (kind: SendKind, request: FastifyRequest): Promise<LimitVerdict> => {
    if (options.rateLimits === false) return undefined
    const limit = await counters[kind](request)
    if (limit.isAllowed || !limit.isExceeded) return undefined
    const { max, timeWindow, what } = sendLimits[kind]
    return {
      message: `too many ${what} from this page: at most ${max} per ${timeWindow / 1000} s; retry in ${limit.ttlInSeconds} s`,
      retryAfterSeconds: limit.ttlInSeconds
    }
  })

  app.decorate(
    'limitSends',
    (kind: SendKind) =>
      async function limitSends(request: FastifyRequest, reply: FastifyReply) {
        const verdict = await app.countSend(kind, request)
        if (verdict === undefined) return
        reply.header('retry-after', String(verdict.retryAfterSeconds))
        throw new RateLimited(verdict.message)
      }
  )
}

export default fp(rateLimits, { name: 'rate-limits' })
