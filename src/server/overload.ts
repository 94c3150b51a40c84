import { monitorEventLoopDelay } from 'node:perf_hooks'
import underPressure from '@fastify/under-pressure'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { ServerOverloaded } from './errors.ts'

export interface OverloadOptions {
  /** Mean event-loop delay, ms, past which new requests get 503 once it lasts (default 1000). */
  maxEventLoopDelayMs?: number
}

/** How often the event-loop delay is sampled, ms. */
const sampleIntervalMs = 1000
/** The delay histogram's own tick, ms: a tick that came on time still reads about this much. */
const resolutionMs = 10
const retryAfterSeconds = 5

/**
 * Judges the loop by whole samples, and only a delay that lasts: one stall that is already over (a
 * major GC, a laptop waking from sleep, a virtual machine paused by its host) is not overload, and
 * refusing the next second of requests for it would only break pages that did nothing wrong.
 */
export class SustainedDelay {
  static readonly samplesToRefuse = 2
  #samplesOver = 0

  constructor(private readonly maxDelayMs: number) {}

  /** Takes one sample's mean delay (Infinity: no tick at all, blocked throughout); true while overloaded. */
  sample(meanDelayMs: number): boolean {
    this.#samplesOver = meanDelayMs > this.maxDelayMs ? this.#samplesOver + 1 : 0
    return this.#samplesOver >= SustainedDelay.samplesToRefuse
  }
}

/**
 * A stalled event loop (a blocking bug, a machine swapping) answers new requests
 * `503` with `Retry-After` instead of queueing them behind the stall; open streams
 * and sockets carry on. The server's own start (compiling, rendering the lessons)
 * stalls the loop too, so it is not judged until two samples after it is ready.
 * under-pressure refuses the requests; the delay is judged here, as its health check.
 */
const overload: FastifyPluginAsync<OverloadOptions> = async (app, options) => {
  const delays = monitorEventLoopDelay({ resolution: resolutionMs })
  const judge = new SustainedDelay(options.maxEventLoopDelayMs ?? 1000)
  let judgeFrom = Number.POSITIVE_INFINITY
  app.addHook('onReady', async () => {
    judgeFrom = Date.now() + 2 * sampleIntervalMs
  })
  app.addHook('onClose', async () => delays.disable())
  delays.enable()
  await app.register(underPressure, {
    healthCheck: async () => {
      const meanDelayMs = delays.count === 0 ? Number.POSITIVE_INFINITY : delays.mean / 1e6 - resolutionMs
      delays.reset()
      const overloaded = judge.sample(meanDelayMs)
      return Date.now() < judgeFrom || !overloaded
    },
    healthCheckInterval: sampleIntervalMs,
    pressureHandler: async (_request, reply) => {
      reply.header('retry-after', String(retryAfterSeconds))
      throw new ServerOverloaded()
    }
  })
}

export default fp(overload, { name: 'overload' })
