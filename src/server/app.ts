import type { Http2SecureServer } from 'node:http2'
import Fastify, { type FastifyHttp2SecureOptions, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { techniqueNames } from '../shared/techniques.ts'
import type { TickerPattern } from '../shared/ticker-settings.ts'
import { AudienceCount } from './classroom/audience.ts'
import { Classroom } from './classroom/classroom.ts'
import classroomRoutes from './classroom/classroom-routes.ts'
import predictionRoutes from './classroom/prediction-routes.ts'
import presenterToken from './classroom/presenter-token.ts'
import sharedRoom from './classroom/shared-room.ts'
import { Feed } from './feed/feed.ts'
import feedRoutes from './feed/feed-routes.ts'
import type { FeedPublisher } from './feed/feed-types.ts'
import { RedisFeedLog } from './feed/redis-feed-log.ts'
import { SharedFeed } from './feed/shared-feed.ts'
import sharedFeedPlugin from './feed/shared-feed-plugin.ts'
import { Ticker } from './feed/ticker.ts'
import instanceName from './instance-name.ts'
import lessons from './lessons/lessons-plugin.ts'
import { NetworkConditions } from './network/network-conditions.ts'
import networkPlugin from './network/network-plugin.ts'
import notFound from './not-found.ts'
import origin from './origin.ts'
import originCheckRoute from './origin-check.ts'
import overload, { type OverloadOptions } from './overload.ts'
import pages from './pages.ts'
import rateLimits, { type RateLimitOptions } from './rate-limits.ts'
import securityHeaders from './security-headers.ts'
import { type TechniqueOptions, techniquePlugins } from './techniques/index.ts'
import useCasePages from './use-cases/use-case-pages.ts'
import useCaseRoutes from './use-cases/use-case-routes.ts'
import validation from './validation.ts'
import websocketServer from './websocket-server.ts'
import pageReports from './wire/accounting/shared-reports.ts'
import captureRoutes from './wire/capture/capture-routes.ts'
import wirePlugin from './wire/wire-plugin.ts'
import wireRoutes from './wire/wire-routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The one sequenced feed every technique reads. */
    feed: Feed
    /** Where new events go: the feed itself, or the shared store that numbers them for every instance. */
    publisher: FeedPublisher
    /** With REDIS_URL: this instance's side of the feed shared through Redis; null in memory. */
    sharedFeed: SharedFeed | null
    /** Publishes `tick` events at the configured rate. */
    ticker: Ticker
    /** The simulated network (round-trip time) applied to every technique. */
    network: NetworkConditions
    /** What the presenter has set for every page in the room. */
    classroom: Classroom
    /** The pages connected right now, and the techniques they use. */
    audience: AudienceCount
  }
}

export interface AppOptions extends TechniqueOptions, RateLimitOptions, OverloadOptions {
  /** Events kept for resuming clients (default 1000). */
  feedCapacity?: number
  /** Tick events per second at start, 0–50 (default 1; 0 = off). */
  feedRate?: number
  /** How the ticks are spread in time at start (default `random`: Poisson arrivals). */
  feedPattern?: TickerPattern
  /** Origins besides our own that may open WebSockets. */
  allowedOrigins?: string[]
  /** The address people open when a proxy is in front (PUBLIC_URL): its origin may open WebSockets, and students are shown it. */
  publicUrl?: string
  /** Largest WebSocket message accepted, bytes (default 4 KiB). */
  websocketMaxPayload?: number
  /** How often every WebSocket peer is pinged, ms (default 30 s). */
  websocketPingIntervalMs?: number
  /** How long a pinged peer has to pong before it is cut, ms (default 10 s). */
  websocketPongTimeoutMs?: number
  logger?: FastifyServerOptions['logger']
  /** Serve HTTPS and WSS with this key and certificate (PEM) instead of plain HTTP and WS. */
  https?: { key: string; cert: string }
  /** With `https`: serve HTTP/2, HTTP/1.1 still accepted on the same port (clients that offer only it, and WebSocket Upgrades). */
  http2?: boolean
  /** The token of the presenter's controls (PRESENTER_TOKEN); a random one when unset. */
  presenterToken?: string
  /** The address students open, shown and QR-coded on the presenter view (default: the address asked for). */
  studentUrl?: string
  /** Capture each exchange's bytes for the wire views (default true); `false` leaves only the counters (the bench compares both). */
  wireCapture?: boolean
  /** Where the lessons' Markdown is (default `lessons/`). */
  lessonsDir?: string
  /** `false`: serve no lessons (the server answering the lessons' example exchanges). */
  lessons?: boolean
  /** Share one feed with every instance pointed at this Redis (REDIS_URL); in memory when unset. */
  redisUrl?: string
  /** This instance's name in the `wirewatch-instance` header and `/wire` (INSTANCE_NAME). */
  instanceName?: string
  /** The feed to serve instead of a new one (the lessons' examples are asked of a feed of fixed events). */
  feed?: Feed
}

/**
 * The server whose real answers the lessons' `::: exchange` blocks show: this same app, with no
 * lessons of its own and no ticker, serving `feed` (a feed of fixed example events).
 */
export function lessonExampleServer(feed: Feed): Promise<FastifyInstance> {
  return buildApp({ feed, feedRate: 0, lessons: false, wireCapture: false })
}

/** Builds the app without listening, so tests and `main.ts` share it. */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  // forceCloseConnections: at close, cut every socket left once streams and held polls are answered,
  // including connections a browser opened ahead of time and never used (Node does not count those as idle).
  const settings = { logger: options.logger ?? false, forceCloseConnections: true }
  // Same app either way; only the server under it differs (its requests' sockets are TLS sockets).
  const app = (options.https && options.http2
    ? // Fastify types its HTTP/2 overload apart (its logger option too): the same settings, cast.
      Fastify({
        ...(settings as Omit<FastifyHttp2SecureOptions<Http2SecureServer>, 'https' | 'http2'>),
        http2: true,
        https: { ...options.https, allowHTTP1: true }
      })
    : options.https
      ? Fastify({ ...settings, https: options.https })
      : Fastify(settings)) as unknown as FastifyInstance

  const capacity = options.feedCapacity ?? 1000
  const feed = options.feed ?? new Feed({ capacity })
  const shared = options.redisUrl
    ? new SharedFeed(feed, new RedisFeedLog({ url: options.redisUrl, capacity }), { log: app.log })
    : null
  const ticker = new Ticker(shared ?? feed, options.feedRate ?? 1, options.feedPattern ?? 'random')
  app.decorate('feed', feed)
  app.decorate<FeedPublisher>('publisher', shared ?? feed)
  app.decorate('sharedFeed', shared)
  app.decorate('ticker', ticker)
  app.decorate('network', new NetworkConditions())
  app.decorate('classroom', new Classroom())
  app.decorate('audience', new AudienceCount())
  // With several instances, the one holding the ticker lease ticks (see shared-feed-plugin.ts).
  if (!shared) app.addHook('onReady', async () => ticker.start())
  app.addHook('onClose', async () => ticker.stop())

  await app.register(validation)
  await app.register(instanceName, { instanceName: options.instanceName, named: shared !== null })
  if (shared && options.redisUrl) await app.register(sharedFeedPlugin, { shared, url: options.redisUrl })
  else app.decorate('redis', null)
  await app.register(securityHeaders)
  await app.register(presenterToken, { presenterToken: options.presenterToken })
  // With several instances a page's sends count on all of them: the counts live in the shared store.
  await app.register(rateLimits, { rateLimits: options.rateLimits, redis: app.redis ?? undefined })
  await app.register(wirePlugin, { capture: options.wireCapture, http2: Boolean(options.https && options.http2) })
  await app.register(pageReports)
  await app.register(networkPlugin)
  // Instances behind one balancer share the room: the presenter's settings, cut, prediction, ticker settings.
  await app.register(sharedRoom, { redis: app.redis ?? undefined })
  // A store that stopped answering (a silent network cut) still looks connected: ask the health check too.
  const { sharedFeed, redis } = app
  if (sharedFeed && redis) app.classroom.requireReachable(() => redis.isReady && sharedFeed.reachable)
  await app.register(origin, { allowedOrigins: options.allowedOrigins ?? [], publicUrl: options.publicUrl })
  await app.register(websocketServer, {
    maxPayload: options.websocketMaxPayload,
    pingIntervalMs: options.websocketPingIntervalMs,
    pongTimeoutMs: options.websocketPongTimeoutMs
  })
  // After the WebSocket server: its onRequest hook must see a handshake first, or a 503 would leave the socket open.
  await app.register(overload, { maxEventLoopDelayMs: options.maxEventLoopDelayMs })

  await app.register(useCaseRoutes)
  for (const name of techniqueNames) await app.register(techniquePlugins[name], options)
  await app.register(feedRoutes)
  await app.register(wireRoutes)
  await app.register(captureRoutes)
  await app.register(originCheckRoute)
  await app.register(lessons, {
    lessonsDir: options.lessonsDir,
    none: options.lessons === false,
    exampleServer: lessonExampleServer
  })
  await app.register(classroomRoutes, { studentUrl: options.publicUrl ?? options.studentUrl })
  await app.register(predictionRoutes)
  await app.register(useCasePages)
  await app.register(pages)
  await app.register(notFound)
  return app
}
