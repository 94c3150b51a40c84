import websocketPlugin from '@fastify/websocket'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { limits } from '../shared/feed-event.ts'
import { closeCodes } from '../shared/websocket-messages.ts'

/** How long peers get to answer our close frame at shutdown before they are cut. */
const closeGraceMs = 300

/**
 * @fastify/websocket with our limits: messages over `maxPayload` close the socket
 * with 1009, and shutdown says 1001 "going away" (the plugin's default sends no
 * code) and cuts peers that do not answer, so `app.close()` stays quick.
 */
const websocketServer: FastifyPluginAsync<{ maxPayload?: number }> = async (app, opts) => {
  await app.register(websocketPlugin, {
    options: { maxPayload: opts.maxPayload ?? limits.websocketMaxPayload },
    preClose: async function closeAll() {
      const clients = [...app.websocketServer.clients]
      const closed = clients.map((client) => new Promise((resolve) => client.once('close', resolve)))
      for (const client of clients) client.close(closeCodes.goingAway, 'server shutting down')
      const cut = setTimeout(() => {
        for (const client of clients) client.terminate()
      }, closeGraceMs)
      await Promise.all(closed)
      clearTimeout(cut)
      app.websocketServer.close()
    }
  })
}

export default fp(websocketServer, { name: 'websocket-server' })
