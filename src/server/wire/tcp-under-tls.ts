import type { Socket } from 'node:net'
import type { TLSSocket, Server as TlsServer } from 'node:tls'

/** Both ends of a connection: no two open connections to one server share them. */
function endsOf(socket: Socket): string | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket
  // A socket reset before it was seen has no ends left to tell it by.
  if (remoteAddress === undefined || remotePort === undefined) return undefined
  return `${localAddress} ${localPort} ${remoteAddress} ${remotePort}`
}

/**
 * Returns the function that finds the TCP socket under one of `server`'s TLS sockets, where the
 * bytes that really cross the wire (handshake, record framing) are counted. Node has no public
 * accessor for it, but a TLS server emits `connection` with each TCP socket before TLS wraps it,
 * and the TLS socket reports the same two ends: each TCP socket is noted by its ends until its
 * handshake is done. A TLS socket whose TCP socket was not found stands for itself (its bytes are
 * then the plaintext ones).
 */
export function tcpUnderTls(server: TlsServer): (socket: TLSSocket) => Socket {
  const handshaking = new Map<string, Socket>()
  server.on('connection', (tcp: Socket) => {
    const ends = endsOf(tcp)
    if (ends === undefined) return
    handshaking.set(ends, tcp)
    // A handshake that never completes lets go of its socket too.
    tcp.once('close', () => {
      if (handshaking.get(ends) === tcp) handshaking.delete(ends)
    })
  })
  return (socket) => {
    const ends = endsOf(socket)
    const tcp = ends === undefined ? undefined : handshaking.get(ends)
    if (ends !== undefined) handshaking.delete(ends)
    return tcp ?? socket
  }
}
