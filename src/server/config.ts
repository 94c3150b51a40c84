import { limits } from '../shared/feed-event.ts'
import { isTickerPattern, type TickerPattern, tickerPatterns } from '../shared/ticker-settings.ts'
import type { AppOptions } from './app.ts'

/** Process settings read from the environment, with the defaults a laptop needs. */
export interface Config extends AppOptions {
  port: number
  host: string
}

/** A number from the environment within [min, max] (whole if asked), or the fallback when unset. */
function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, range: Range): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  const pattern = range.whole ? /^\d+$/ : /^\d+(\.\d+)?$/
  if (!pattern.test(raw) || value < range.min || value > range.max) {
    const kind = range.whole ? 'a whole number' : 'a number'
    throw new Error(`${name} must be ${kind} from ${range.min} to ${range.max}, got "${env[name]}"`)
  }
  return value
}

/** FEED_PATTERN: how the ticks are spread in time, `random` when unset. */
function patternFrom(env: NodeJS.ProcessEnv): TickerPattern {
  const raw = env.FEED_PATTERN?.trim()
  if (raw === undefined || raw === '') return 'random'
  if (!isTickerPattern(raw)) {
    throw new Error(`FEED_PATTERN must be one of ${tickerPatterns.join(', ')}, got "${env.FEED_PATTERN}"`)
  }
  return raw
}

/**
 * PUBLIC_URL: the address people open when a proxy is in front (`https://wirewatch.school.example`),
 * as `scheme://host[:port]/`; undefined when unset. Only an origin is meaningful: the app is served
 * from `/`, so a path, query or fragment (or a user name) is refused rather than silently dropped.
 */
function publicUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.PUBLIC_URL?.trim()
  if (raw === undefined || raw === '') return undefined
  const refuse = (why: string) =>
    new Error(
      `PUBLIC_URL must be an http:// or https:// address with no path, like https://wirewatch.school.example, got "${env.PUBLIC_URL}": ${why}`
    )
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw refuse('not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(`the scheme is ${url.protocol}`)
  if (url.pathname !== '/') throw refuse(`it has the path ${url.pathname}`)
  if (url.search || url.hash || raw.endsWith('?') || raw.endsWith('#')) throw refuse('it has a query or fragment')
  if (url.username || url.password) throw refuse('it has a user name or password')
  return `${url.origin}/`
}

/**
 * REDIS_URL: share one feed through this Redis (`redis://host:port`, or `rediss://` over TLS) with
 * every other instance pointed at it; undefined when unset (the feed lives in this process alone).
 */
function redisUrlFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL?.trim()
  if (raw === undefined || raw === '') return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new Error(`REDIS_URL must be an address like redis://127.0.0.1:6379, got "${env.REDIS_URL}": not a URL`)
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got "${env.REDIS_URL}"`)
  return raw
}

/** INSTANCE_NAME: this instance's name in the `wirewatch-instance` header and the views; letters, digits, `.-_:`. */
function instanceNameFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.INSTANCE_NAME?.trim()
  if (raw === undefined || raw === '') return undefined
  if (!/^[\w.:-]{1,40}$/.test(raw))
    throw new Error(`INSTANCE_NAME must be 1 to 40 letters, digits, '.', '-', '_' or ':', got "${env.INSTANCE_NAME}"`)
  return raw
}

interface Range {
  min: number
  max: number
  whole?: boolean
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: numberFrom(env, 'PORT', 3000, { min: 0, max: 65_535, whole: true }),
    host: env.HOST || '127.0.0.1',
    feedRate: numberFrom(env, 'FEED_RATE', 1, { min: 0, max: limits.feedRateMax }),
    feedPattern: patternFrom(env),
    feedCapacity: numberFrom(env, 'FEED_CAPACITY', 1000, { min: 1, max: 1_000_000, whole: true }),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    presenterToken: env.PRESENTER_TOKEN?.trim() || undefined,
    publicUrl: publicUrlFrom(env),
    redisUrl: redisUrlFrom(env),
    instanceName: instanceNameFrom(env)
  }
}
