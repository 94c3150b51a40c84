import websocketPlugin from '@fastify/websocket'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { WebSocket } from 'ws'
import { limits } from '../shared/feed-event.ts'
import { closeCodes } from '../shared/websocket-messages.ts'
import { SubprotocolRefused } from './errors.ts'

/** How long peers get to answer our close frame at shutdown before they are cut. */
const closeGraceMs = 300

export interface WebSocketServerOptions {
  /** Largest message accepted, bytes: a bigger one closes the socket with 1009. */
  maxPayload?: number
  /** How often each peer is pinged (default 30 s). */
  pingIntervalMs?: number
  /** How long a peer has to answer a ping with a pong before it is cut (default 10 s). */
  pongTimeoutMs?: number
}

/**
 * A peer whose network vanished (a phone put to sleep, Wi-Fi gone) sends no FIN:
 * without a probe its socket, subscription and buffers would live forever. Every
 * `interval` we ping; a peer with no pong within `timeout` is cut.
 */
function watchLiveness(socket: WebSocket, intervalMs: number, timeoutMs: number): void {
  let deadline: ReturnType<typeof setTimeout> | undefined
  const probe = setInterval(() => {
    if (deadline) return // still waiting for the last pong
    socket.ping()
    deadline = setTimeout(() => socket.terminate(), timeoutMs)
  }, intervalMs)
  socket.on('pong', () => {
    clearTimeout(deadline)
    deadline = undefined
  })
  socket.once('close', () => {
    clearInterval(probe)
    clearTimeout(deadline)
  })
}

/**
 * @fastify/websocket with our limits: messages over `maxPayload` close the socket
 * with 1009, silent peers are cut by ping/pong, and shutdown says 1001 "going away"
 * (the plugin's default sends no code) and cuts peers that do not answer, so
 * `app.close()` stays quick.
 */
const websocketServer: FastifyPluginAsync<WebSocketServerOptions> = async (app, opts) => {
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
  // We speak no subprotocol. ws would otherwise agree to the first one offered, so a client
  // asking for one (or sending 10 KB of them) is refused before the 101, with the reason.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.headers.upgrade !== undefined && request.headers['sec-websocket-protocol'] !== undefined)
      return done(new SubprotocolRefused())
    done()
  })
  const intervalMs = opts.pingIntervalMs ?? 30_000
  const timeoutMs = opts.pongTimeoutMs ?? 10_000
  app.websocketServer.on('connection', (socket: WebSocket) => watchLiveness(socket, intervalMs, timeoutMs))
}

export default fp(websocketServer, { name: 'websocket-server' })
