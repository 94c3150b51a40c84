import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  type Http2SecureServer,
  type Http2ServerRequest,
  constants as http2Constants,
  type ServerHttp2Session
} from 'node:http2'
import type { Socket } from 'node:net'
import { type TLSSocket, Server as TlsServer } from 'node:tls'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { isTechniqueName, type RowName, techniques } from '../../shared/techniques.ts'
import { clientIdPattern } from '../schemas.ts'
import { requestBytesOf } from './accounting/request-bytes.ts'
import { WireAccounting } from './accounting/wire-accounting.ts'
import { CaptureFailures } from './capture/capture-failures.ts'
import { CaptureStore } from './capture/capture-store.ts'
import { captureHttp2Frames } from './capture/h2-frames.ts'
import { markRouteOwner } from './capture/route-owner.ts'
import { type SocketTap, tapSocket } from './capture/socket-tap.ts'
import { UnseenCaptures } from './capture/unseen-captures.ts'
import { WatchedPages } from './capture/watched-pages.ts'
import { FrameHook } from './h2/frame-hook.ts'
import { frameHeaderBytes } from './h2/frame-reader.ts'
import { tapSessions } from './h2/tap-sessions.ts'
import { tcpUnderTls } from './tcp-under-tls.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Socket-level byte and request counters, per technique and per client. */
    wire: WireAccounting
    /** Raw exchanges, stream chunks and frames captured at each technique's sockets, per client. */
    capture: CaptureStore
    /** Pages whose wire view is open (or was in the last minute): their requests are captured as bytes. */
    watchedPages: WatchedPages
    /** Every HTTP/2 frame of every connection, with its payload, for modules that read them (none without `http2`). */
    http2Frames: FrameHook
  }
  interface FastifyRequest {
    /** True for the first request on its TCP connection: the one that paid the handshake. */
    newConnection: boolean
  }
  interface FastifyContextConfig {
    /** The row this route's traffic is charged to; routes without one are the page's own traffic. */
    wireRow?: RowName
    /**
     * The response never ends: the server writes into it for as long as the connection lasts (an event
     * stream), so the capture shows it chunk by chunk. Defaults to the `streamed` trait of the row's technique.
     */
    wireStreams?: boolean
  }
}

/**
 * Reads whose request this is from the query before validation runs: `asker=` when given (`GET /wire`
 * about another id: a demo asking about its streams' connections must not add its question's), else
 * `client=`; a malformed id is charged to nobody.
 */
function clientOf(query: unknown): string | undefined {
  const { asker, client } = (query ?? {}) as { asker?: unknown; client?: unknown }
  const id = asker ?? client
  return typeof id === 'string' && clientIdPattern.test(id) ? id : undefined
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
  /** The server is Fastify's HTTP/2 secure server (HTTP/1.1 allowed): its HTTP/2 connections are read frame by frame. */
  http2?: boolean
}

const wirePlugin: FastifyPluginAsync<WireOptions> = async (
  app,
  { capture: capturing = true, captureBytesOfEveryone = process.env.WIRE_CAPTURE_BYTES === 'all', http2 = false }
) => {
  const wire = new WireAccounting()
  app.decorate('wire', wire)
  const capture = new CaptureStore({
    rttMs: () => app.network?.rttMs ?? 0,
    everyoneInView: captureBytesOfEveryone
  })
  app.decorate('capture', capture)
  const watched = new WatchedPages({ everyone: captureBytesOfEveryone })
  app.decorate('watchedPages', watched)
  const unseen = new UnseenCaptures()
  app.addHook('onClose', async () => unseen.close())
  const failures = new CaptureFailures(app.log)
  const failed = failures.report
  // Each tap hears of a request before Fastify does (prepended), so a request is captured before its answer.
  const taps = new WeakMap<Socket, SocketTap>()
  if (capturing) {
    app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) =>
      taps.get(request.socket)?.request(request, response)
    )
    app.server.prependListener('upgrade', (request: IncomingMessage) => taps.get(request.socket)?.upgrade(request))
  }
  const frames = new FrameHook()
  app.decorate('http2Frames', frames)
  const h2Capture = capturing && http2 ? captureHttp2Frames(frames, capture, failed) : undefined
  // Under --tls alone the counted bytes are encrypted, so sizes of plaintext heads would not match them.
  const encryptedCounts = app.server instanceof TlsServer && !http2
  // One listener for every response (`this` is the response), not a closure per request.
  function responseDone(this: ServerResponse): void {
    wire.responseDone(this.req)
  }
  // Before any route runs: each request takes its place in its connection's order, with its size on the
  // wire; over HTTP/2, its stream's frames (read already) are its own.
  app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const stream = (request as unknown as Http2ServerRequest).stream
    if (stream) {
      const [session, id] = [stream.session as object, stream.id as number]
      wire.streamArrived(session, id, request, () => stream.close(http2Constants.NGHTTP2_CANCEL))
      // Its last frames have passed the tap by then (nghttp2 closes a stream once they are sent).
      stream.once('close', () => wire.streamClosed(session, id))
    } else wire.requestArrived(request.socket, request, encryptedCounts ? undefined : requestBytesOf(request))
    // Prepended: Node's own `finish` listener starts writing the next pipelined response.
    response.prependListener('finish', responseDone)
    response.prependListener('close', responseDone)
  })
  app.server.prependListener('upgrade', (request: IncomingMessage) =>
    wire.requestArrived(request.socket, request, undefined)
  )
  if (app.server instanceof TlsServer) {
    // Requests see the TLS socket; the bytes that cross the wire are counted on the TCP socket under it.
    // The capture taps the TLS socket, where the bytes are plaintext HTTP.
    const tcpUnder = tcpUnderTls(app.server)
    // Over --http2 every row counts what HTTP put inside TLS (HTTP/2: its frames; HTTP/1.1: the TLS
    // socket's plaintext), and TLS's own bytes go to the `connection` row: rows compare like for like.
    if (http2)
      tapSessions(app.server as unknown as Http2SecureServer, {
        opened: (session: ServerHttp2Session, socket: TLSSocket) => wire.trackHttp2(session, socket, tcpUnder(socket)),
        preface: (session, bytes) => wire.chargeFrame(session, 'in', undefined, bytes),
        frame: (session, frame) => {
          wire.chargeFrame(session, frame.direction, frame.streamId, frameHeaderBytes + frame.length)
          frames.publish(session, frame)
        }
      })
    app.server.on('secureConnection', (socket: TLSSocket) => {
      // HTTP/2 connections are counted frame by frame (above), and their bytes are no HTTP/1.1 to capture.
      if (socket.alpnProtocol === 'h2') return
      const under = tcpUnder(socket)
      if (http2) wire.track(socket, socket, under)
      else wire.track(socket, under)
      if (capturing) taps.set(socket, tapSocket(socket, capture, { counted: under, watched, failed, unseen }))
    })
  } else {
    app.server.on('connection', (socket: Socket) => {
      wire.track(socket)
      if (capturing) taps.set(socket, tapSocket(socket, capture, { watched, failed, unseen }))
    })
  }

  app.decorateRequest('newConnection', false)
  app.addHook('onRoute', (route) => {
    const row = route.config?.wireRow
    if (route.config?.wireStreams === undefined && row !== undefined && isTechniqueName(row))
      route.config = { ...route.config, wireStreams: techniques[row].streamed }
  })
  app.addHook('onRequest', (request, _reply, done) => {
    const { wireRow: row = 'page', wireStreams: streams = false } = request.routeOptions.config
    const client = clientOf(request.query)
    request.newConnection = wire.nameRequest(request.raw, row, client)
    // The capture saw this request's bytes before any route: from here it knows whose they are.
    markRouteOwner(request.raw, { row, client, streams })
    taps.get(request.raw.socket)?.routed(request.raw)
    h2Capture?.routed(request.raw)
    done()
  })
}

export default fp(wirePlugin, { name: 'wire' })
