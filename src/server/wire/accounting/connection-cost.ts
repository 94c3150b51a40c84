import type { Socket } from 'node:net'
import type { ClientCounters } from './client-counters.ts'

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

/** Charges the `connection` row: to the totals now, to the connection's client once it has one. */
export function chargeConnection(
  counters: ClientCounters,
  cost: ConnectionCost,
  direction: 'in' | 'out',
  bytes: number
): void {
  if (bytes === 0) return
  const field = direction === 'in' ? 'bytesIn' : 'bytesOut'
  counters.addToTotals('connection', field, bytes)
  if (cost.client !== undefined) counters.addToClient({ row: 'connection', client: cost.client }, field, bytes)
  else if (direction === 'in') cost.heldIn += bytes
  else cost.heldOut += bytes
}

/** Charges TLS's bytes since the last charge (TCP minus plaintext) to the `connection` row. */
export function chargeTls(counters: ClientCounters, cost: ConnectionCost | undefined): void {
  if (!cost) return
  const tlsIn = cost.tcp.bytesRead - cost.plaintext.bytesRead
  const tlsOut = cost.tcp.bytesWritten - cost.plaintext.bytesWritten
  chargeConnection(counters, cost, 'in', tlsIn - cost.tlsIn)
  chargeConnection(counters, cost, 'out', tlsOut - cost.tlsOut)
  cost.tlsIn = tlsIn
  cost.tlsOut = tlsOut
}

/** `client` made a request on the connection: if it is the first, the cost so far is its too. */
export function costClaimed(counters: ClientCounters, cost: ConnectionCost, client: string): void {
  if (cost.client !== undefined) return
  cost.client = client
  counters.addToClient({ row: 'connection', client }, 'bytesIn', cost.heldIn)
  counters.addToClient({ row: 'connection', client }, 'bytesOut', cost.heldOut)
  cost.heldIn = 0
  cost.heldOut = 0
}
