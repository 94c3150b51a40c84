import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { FeedStoreUnavailable } from '../errors.ts'
import { createRedisClient, type RedisClient } from '../redis-client.ts'
import type { SharedFeed } from './shared-feed.ts'
import { TickerLease } from './ticker-lease.ts'

/** How long an instance waits for Redis at start before it starts without it. */
const connectWaitMs = 3000

/** How long an answer waits for an event another instance already handed the page. */
const hopWaitMs = 2000

export interface SharedFeedPluginOptions {
  shared: SharedFeed
  url: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** With REDIS_URL: a connection to the shared store for what instances keep together (ticker lease, room, limits). */
    redis: RedisClient | null
  }
}

/** The cursor a request resumes from, however its technique carries it (`?after=`, or SSE's `Last-Event-ID`). */
function cursorOf(request: { query: unknown; headers: Record<string, unknown> }): number | undefined {
  const raw = request.headers['last-event-id'] ?? (request.query as { after?: unknown } | undefined)?.after
  const cursor = Number(raw)
  return raw !== undefined && Number.isInteger(cursor) ? cursor : undefined
}

/**
 * What one instance does when several share the feed through Redis: follow the shared stream,
 * tick only while it holds the ticker lease, and let a page that hops here from another instance
 * resume from its cursor even when that instance was a moment ahead.
 */
const sharedFeedPlugin: FastifyPluginAsync<SharedFeedPluginOptions> = async (app, { shared, url }) => {
  const redis = createRedisClient(url)
  // An instance started while Redis is away starts anyway, paused, and joins when Redis answers.
  const connecting = redis.connect().catch(() => {})
  await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, connectWaitMs).unref())])
  app.decorate('redis', redis)

  const lease = new TickerLease(redis, app.instanceName, {
    onChange: (held) => {
      app.log.info(
        { instance: app.instanceName, held },
        held ? 'this instance ticks now' : 'this instance stops ticking'
      )
      if (held) app.ticker.start()
      else app.ticker.stop()
    }
  })

  app.addHook('onReady', async () => {
    await shared.start()
    lease.start()
  })
  app.addHook('onClose', async () => {
    await lease.stop()
    await shared.stop()
    redis.destroy()
  })

  // A page's cursor may come from an instance that received the event a millisecond before this one:
  // wait for it here instead of taking the cursor for one from the future (a reset).
  // Cut off from the store, this instance cannot get it: say so (503, the page asks again, maybe elsewhere)
  // rather than call a cursor another instance gave out a reset.
  app.addHook('preHandler', async (request) => {
    const cursor = cursorOf(request)
    if (cursor === undefined || cursor <= shared.feed.latest) return
    if (!(await shared.feed.reaches(cursor, hopWaitMs)) && !shared.reachable)
      throw new FeedStoreUnavailable(`this instance has not received event ${cursor} yet`)
  })
}

export default fp(sharedFeedPlugin, { name: 'shared-feed', decorators: { fastify: ['ticker', 'instanceName'] } })
