import { createClient } from 'redis'

/**
 * A node-redis client as every part of an instance uses it: a command given while Redis is away
 * fails at once instead of waiting in a queue (publishing answers "unavailable", a teacher's click
 * is refused, never silently held), and the client reconnects by itself, backing off to 1 s.
 * Its 'error' events go to `onError` (one without a listener would end the process).
 */
export function createRedisClient(url: string, onError: (error: Error) => void = () => {}) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    // A link cut without a word (no FIN, no RST) would hold a command for ever: give up after 2 s.
    commandOptions: { timeout: 2000, rejectInFlight: true },
    socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000) }
  })
  client.on('error', onError)
  return client
}

export type RedisClient = ReturnType<typeof createRedisClient>
