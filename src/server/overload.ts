import underPressure from '@fastify/under-pressure'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { ServerOverloaded } from './errors.ts'

export interface OverloadOptions {
  /** Mean event-loop delay, ms, past which new requests get 503 (default 1000). */
  maxEventLoopDelayMs?: number
}

/** How often the event-loop delay is sampled, ms (the plugin's default). */
const sampleIntervalMs = 1000
const retryAfterSeconds = 5

/**
 * A stalled event loop (a blocking bug, a machine swapping) answers new requests
 * `503` with `Retry-After` instead of queueing them behind the stall; open streams
 * and sockets carry on. The server's own start (compiling, rendering the lessons)
 * stalls the loop too, so the first two samples after it is ready are not judged.
 */
const overload: FastifyPluginAsync<OverloadOptions> = async (app, options) => {
  let judgeFrom = Number.POSITIVE_INFINITY
  app.addHook('onReady', async () => {
    judgeFrom = Date.now() + 2 * sampleIntervalMs
  })
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs ?? 1000,
    sampleInterval: sampleIntervalMs,
    pressureHandler: async (_request, reply) => {
      if (Date.now() < judgeFrom) return
      reply.header('retry-after', String(retryAfterSeconds))
      throw new ServerOverloaded()
    }
  })
}

export default fp(overload, { name: 'overload' })
