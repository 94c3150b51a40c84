import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { RedisClientType } from 'redis'

/** A connected node-redis client, as `createClient({ url })` makes it. */
export type RateLimitRedis = RedisClientType

// One atomic step per send, so sends on several instances at once are each counted once.
// A fixed window like @fastify/rate-limit's LocalStore: it starts at the window's first send.
// A key left without an expiry (never by this script) gets one, rather than counting forever.
// KEYS: the counter. ARGV: the window in ms. Returns the count and the ms left in the window.
const INCREMENT_SCRIPT = `
local current = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if current == 1 or ttl < 0 then
  ttl = tonumber(ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return { current, ttl }
`

export interface RedisRateLimitStoreOptions {
  /** A count Redis has not answered after this long lets the send through: a send must never hang on Redis. */
  timeoutMs?: number
  /** Told once when counting starts failing (Redis unreachable), not on every send while it is. */
  onUnavailable?: (error: Error) => void
  /** Told once when counting works again after `onUnavailable`. */
  onRecovered?: () => void
}

/**
 * A store for `@fastify/rate-limit`'s `store` option that counts in Redis, so every instance
 * sharing that Redis counts a page's sends together. Keys are `wirewatch:rate:<key>`, where
 * `<key>` is what the limit's `keyGenerator` returns: give each limit keys of its own. When
 * Redis is unreachable or slow, `incr` reports an error: with `skipOnError` the send goes ahead.
 * `continueExceeding` and `exponentialBackoff` are not supported (the window is always fixed).
 */
export function redisRateLimitStore(
  client: RateLimitRedis,
  { timeoutMs = 500, onUnavailable, onRecovered }: RedisRateLimitStoreOptions = {}
): FastifyRateLimitStoreCtor {
  // Shared by every limit made from this store: one outage is one warning, whatever the kind of send.
  let unavailable = false

  function failed(error: Error): void {
    if (unavailable) return
    unavailable = true
    onUnavailable?.(error)
  }

  function succeeded(): void {
    if (!unavailable) return
    unavailable = false
    onRecovered?.()
  }

  class RedisRateLimitStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number
    ): void {
      // Not ready means reconnecting: a queued command would hold the send until Redis is back.
      if (!client.isReady) {
        const error = new Error('Redis is not connected: the send is not counted')
        failed(error)
        callback(error)
        return
      }
      let settled = false
      const settle = (error: Error | null, result?: { current: number; ttl: number }) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        if (error) failed(error)
        else succeeded()
        callback(error, result)
      }
      const timer = setTimeout(
        () => settle(new Error(`Redis did not count the send within ${timeoutMs} ms`)),
        timeoutMs
      )
      client
        .eval(INCREMENT_SCRIPT, { keys: [`wirewatch:rate:${key}`], arguments: [String(timeWindow)] })
        .then((reply) => {
          const [current, ttl] = reply as [number, number]
          settle(null, { current, ttl })
        })
        .catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))))
    }

    // Every limit counts in the one namespace: its keys (from its keyGenerator) keep it apart.
    child(): FastifyRateLimitStore {
      return new RedisRateLimitStore()
    }
  }
  return RedisRateLimitStore
}
