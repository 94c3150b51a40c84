import type { Socket } from 'node:net'
import type { Owner } from './client-counters.ts'
import type { ConnectionCost } from './connection-cost.ts'
import type { H2Tally } from './h2-tally.ts'

/** One request on a connection and its response, from the request's head to the response's end. */
export interface Exchange {
  /** The request, as its key was given to `requestArrived` (the IncomingMessage). */
  request: object
  tally: SocketTally | H2Tally
  /** Undefined until the route names it (Fastify's onRequest); bytes wait in `held` meanwhile. */
  owner: Owner | undefined
  held: { bytesIn: number; bytesOut: number; events: number; emptyResponses: number }
  /** Bytes of the request itself (head and declared body); Infinity when unknown (chunked, an Upgrade, TLS). */
  expectedIn: number
  chargedIn: number
  /** The response has ended (streams and WebSockets end when the socket closes). */
  done: boolean
  /** Over HTTP/2: resets this exchange's stream (RST_STREAM), leaving the connection's other streams be. */
  reset?: () => void
}

/** Per-socket bookkeeping: how much of the socket's byte counters has already been charged, and to whom. */
export interface SocketTally {
  protocol: 'http1'
  /** The socket whose counters are read: the TCP socket itself, the one under a TLS socket, or (`--http2`) the TLS socket. */
  counted: Socket
  /** Under `--http2`: TLS's own bytes, charged to the `connection` row. */
  cost: ConnectionCost | undefined
  /** It has closed (a client's `connectionsNow` drops it). */
  closed: boolean
  chargedRead: number
  chargedWritten: number
  /** Exchanges whose response has not ended, oldest first: the first is the one being written. */
  open: Exchange[]
  /** Exchanges whose request bytes are still arriving, oldest first. */
  reading: Exchange[]
  first: Exchange | undefined
  /** The newest exchange: it holds the connection in `openConnections`, and takes bytes nobody else can. */
  last: Exchange | undefined
  /** The owner counted in `openConnections` for this connection. */
  holder: Owner | undefined
}

/** Where charged bytes go: to the exchange's owner, or held until its route names one. */
export type Give = (exchange: Exchange, field: keyof Exchange['held'], amount: number) => void

/** Charges the bytes written since the last charge to the response being written (the newest exchange's when none is). */
export function chargeWritten(tally: SocketTally, give: Give): void {
  const written = tally.counted.bytesWritten
  const out = written - tally.chargedWritten
  if (out > 0) {
    const writer = tally.open[0] ?? tally.last
    if (writer) {
      give(writer, 'bytesOut', out)
      tally.chargedWritten = written
    }
  }
}

/** Charges the bytes read since the last charge to each request still arriving, up to its own size. */
export function chargeRead(tally: SocketTally, give: Give): void {
  let pending = tally.counted.bytesRead - tally.chargedRead
  while (pending > 0) {
    const reader = tally.reading[0]
    // Bytes ahead of any request parsed so far wait for the request they belong to.
    if (!reader) return
    const take = Math.min(pending, reader.expectedIn - reader.chargedIn)
    reader.chargedIn += take
    tally.chargedRead += take
    pending -= take
    give(reader, 'bytesIn', take)
    if (reader.chargedIn >= reader.expectedIn) tally.reading.shift()
  }
}
