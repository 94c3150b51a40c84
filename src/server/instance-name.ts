import { hostname } from 'node:os'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'

/** The response header that names the instance which answered (only when several share one feed). */
export const instanceHeader = 'wirewatch-instance'

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's name: INSTANCE_NAME, or host and process id. */
    instanceName: string
  }
}

export interface InstanceNameOptions {
  /** Given by INSTANCE_NAME; `<host>:<pid>` otherwise. */
  instanceName?: string
  /** Several instances share the feed (REDIS_URL): every answer names the one that gave it. */
  named: boolean
}

/**
 * Behind a load balancer a page's requests land on different instances; the `wirewatch-instance`
 * header on every answer (the WebSocket's 101 too) is how the page, and the lesson, see the hops.
 * One instance alone sends no header: its answers' bytes stay those the lessons measure.
 */
const instanceName: FastifyPluginAsync<InstanceNameOptions> = async (app, options) => {
  const name = options.instanceName ?? `${hostname()}:${process.pid}`
  app.decorate('instanceName', name)
  if (!options.named) return
  // On the raw response: streamed answers write their head themselves, and Node merges it in.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.raw.setHeader(instanceHeader, name)
    done()
  })
  app.addHook('onReady', (done) => {
    app.websocketServer?.on('headers', (headers: string[]) => headers.push(`${instanceHeader}: ${name}`))
    done()
  })
}

export default fp(instanceName, { name: 'instance-name' })
