import type { TestContext } from 'node:test'
import { type RedisProcess, redisInstalled, redisServerPath, startRedisProcess } from '../cluster/redis-process.ts'

export { redisServerPath }

/** Why the Redis tests cannot run here, or false when they can. */
export const redisSkipReason: string | false = redisInstalled
  ? false
  : `redis-server is not installed at ${redisServerPath} (scripts/prepare-test.sh installs Debian's redis-server when run as root)`

/** A redis-server of a test's own (cluster/redis-process.ts), stopped when the test ends. */
export type RedisServer = Omit<RedisProcess, 'pid'>

/**
 * Starts `redis-server` in the foreground on a free port (or `port`), with no RDB or AOF and a
 * temp working dir, waits until it answers PING and stops it by its own pid when the test ends.
 * `args` adds settings, e.g. `['--stream-node-max-entries', '10']`.
 */
export async function startRedis(t: TestContext, { args = [] as string[], port = 0 } = {}): Promise<RedisServer> {
  const redis = await startRedisProcess({ args, port })
  t.after(() => redis.stop())
  return redis
}
