import type { Socket } from 'node:net'

/**
 * Under `--http2`, what a connection costs beyond the bytes HTTP put inside TLS, charged to the
 * `connection` row: TLS's handshake, record headers and tags (the TCP socket's bytes minus the TLS
 * socket's plaintext ones), and over HTTP/2 the frames of stream 0 and the client's preface. The
 * totals get it as it comes; a client gets it once a request of it names the connection (its first).
 */
export interface ConnectionCost {
  /** The TCP socket under TLS: the bytes that cross the wire. */
  tcp: Socket
  /** The TLS socket: the plaintext bytes. */
  plaintext: Socket
  /** TLS cost charged so far, each way. */
  tlsIn: number
  tlsOut: number
  /** The client whose connection it is: the first that made a request on it. */
  client: string | undefined
  /** Charged before a client was known, kept for it. */
  heldIn: number
  heldOut: number
}

export function connectionCost(tcp: Socket, plaintext: Socket): ConnectionCost {
  return { tcp, plaintext, tlsIn: 0, tlsOut: 0, client: undefined, heldIn: 0, heldOut: 0 }
}
