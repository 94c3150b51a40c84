import type { Http2SecureServer, ServerHttp2Session } from 'node:http2'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { countingDuplex } from './counting-duplex.ts'
import { type Frame, FrameReader } from './frame-reader.ts'

/** A frame on a tapped connection: `in` the client sent it, `out` the server did. */
export interface TappedFrame extends Frame {
  direction: 'in' | 'out'
}

/** What a tap tells about each HTTP/2 connection, from its first byte to its close. */
export interface SessionListener {
  /** A new HTTP/2 connection: `tls` is its TLS socket (plaintext counters), before any of its frames. */
  opened(session: ServerHttp2Session, tls: TLSSocket): void
  /** The client's 24-byte connection preface. */
  preface(session: ServerHttp2Session, bytes: number): void
  frame(session: ServerHttp2Session, frame: TappedFrame): void
}

/**
 * Puts a frame reader on every HTTP/2 connection of `server`, between Node's TLS and its HTTP/2
 * session. The server's one `secureConnection` listener is Node's dispatcher (ALPN `h2`: a new
 * session; `http/1.1` or none: Node's HTTP/1.1 handling, with `allowHTTP1`). It is taken off and
 * called here: with the TLS socket itself for HTTP/1.1, as before, and with a counting Duplex around
 * it for HTTP/2, so every byte of every frame is seen both ways. Call before `listen`.
 */
export function tapSessions(server: Http2SecureServer, listener: SessionListener): void {
  const [dispatch] = server.listeners('secureConnection') as Array<(this: unknown, socket: Duplex) => void>
  if (!dispatch) throw new Error('not an HTTP/2 secure server: it has no secureConnection listener')
  server.removeListener('secureConnection', dispatch)
  // Prepended: Node's dispatcher ran before any listener added later, and still does.
  server.prependListener('secureConnection', (tls: TLSSocket) => {
    if (tls.alpnProtocol !== 'h2') return dispatch.call(server, tls)
    let session: ServerHttp2Session | undefined
    const reader = (direction: 'in' | 'out') =>
      new FrameReader(
        {
          frame: (frame) => session && listener.frame(session, { ...frame, direction }),
          preface: (bytes) => session && listener.preface(session, bytes)
        },
        { clientSide: direction === 'in' }
      )
    const read = reader('in')
    const written = reader('out')
    const duplex = countingDuplex(tls, { read: (chunk) => read.push(chunk), written: (chunk) => written.push(chunk) })
    // Node makes the session inside the dispatcher, synchronously; no byte is read before it exists.
    server.once('session', (made: ServerHttp2Session) => {
      session = made
      // Node wraps the Duplex in a socket that is not `encrypted`: Fastify's request.protocol would say http.
      ;(made.socket as unknown as { encrypted: boolean }).encrypted = true
      listener.opened(made, tls)
    })
    dispatch.call(server, duplex)
  })
}
