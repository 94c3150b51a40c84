import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { type TLSSocket, Server as TlsServer } from 'node:tls'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { RowName } from '../../shared/techniques.ts'
import { clientIdPattern } from '../schemas.ts'
import { CaptureStore } from './capture-store.ts'
import { type SocketTap, tapSocket } from './socket-tap.ts'
import { WatchedPages } from './watched-pages.ts'
import { WireAccounting } from './wire-accounting.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Socket-level byte and request counters, per technique and per client. */
    wire: WireAccounting
    /** Raw exchanges, stream chunks and frames captured at each technique's sockets, per client. */
    capture: CaptureStore
    /** Pages whose wire view is open (or was in the last minute): their requests are captured as bytes. */
    watchedPages: WatchedPages
  }
  interface FastifyRequest {
    /** True for the first request on its TCP connection: the one that paid the handshake. */
    newConnection: boolean
  }
  interface FastifyContextConfig {
    /** The row this route's traffic is charged to; routes without one are the page's own traffic. */
    wireRow?: RowName
  }
}

/** Reads `client=` from the query before validation runs; a malformed id is charged to nobody. */
function clientOf(query: unknown): string | undefined {
  const client = (query as { client?: unknown } | undefined)?.client
  return typeof client === 'string' && clientIdPattern.test(client) ? client : undefined
}

/** The TCP socket a server-side TLS socket wraps (Node keeps it as `_parent`; there is no public accessor). */
function tcpUnder(socket: TLSSocket): Socket {
  return (socket as TLSSocket & { _parent?: Socket })._parent ?? socket
}

/**
 * Hooks the accounting into the server: every accepted TCP socket is tracked,
 * every request tells whose bytes follow, every finished response closes the account.
 */
export interface WireOptions {
  /** Capture the bytes of each exchange for the wire views (default true); the counters run either way. */
  capture?: boolean
  /**
   * Read every connection's requests as bytes, watched or not: the worst case (a whole room behind
   * one address with a wire view open), for the bench. Default: `WIRE_CAPTURE_BYTES=all` in the environment.
   */
  captureBytesOfEveryone?: boolean
}

const wirePlugin: FastifyPluginAsync<WireOptions> = async (
  app,
  { capture: capturing = true, captureBytesOfEveryone = process.env.WIRE_CAPTURE_BYTES === 'all' }
) => {
  const wire = new WireAccounting()
  app.decorate('wire', wire)
  const capture = new CaptureStore({ rttMs: () => app.network?.rttMs ?? 0 })
  app.decorate('capture', capture)
  const watched = new WatchedPages({ everyone: captureBytesOfEveryone })
  app.decorate('watchedPages', watched)
  // Each tap hears of a request before Fastify does (prepended), so a request is captured before its answer.
  const taps = new WeakMap<Socket, SocketTap>()
  if (capturing) {
    app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
      taps.get(request.socket)?.request(request, response)
    )
    app.server.prependListener('upgrade', (request: IncomingMessage) => taps.get(request.socket)?.upgrade(request))
  }
  if (app.server instanceof TlsServer) {
    // Requests see the TLS socket; the bytes that cross the wire are counted on the TCP socket under it.
    // The capture taps the TLS socket, where the bytes are plaintext HTTP.
    app.server.on('secureConnection', (socket: TLSSocket) => {
      wire.track(socket, tcpUnder(socket))
      if (capturing) taps.set(socket, tapSocket(socket, capture, { counted: tcpUnder(socket), watched }))
    })
  } else {
    app.server.on('connection', (socket: Socket) => {
      wire.track(socket)
      if (capturing) taps.set(socket, tapSocket(socket, capture, { watched }))
    })
  }

  app.decorateRequest('newConnection', false)
  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket
    request.newConnection = wire.beginRequest(
      socket,
      request.routeOptions.config.wireRow ?? 'page',
      clientOf(request.query)
    )
    const ended = () => wire.endRequest(socket)
    reply.raw.once('finish', ended)
    reply.raw.once('close', ended)
    done()
  })
}

export default fp(wirePlugin, { name: 'wire' })
