import type { OtherRowName, TechniqueName } from './techniques.ts'

/** What the server counted on its sockets for one technique (or other row), for one client or for all. */
export interface WireCounters {
  /** HTTP requests received; a WebSocket's Upgrade request counts as one. */
  requests: number
  /** TCP connections accepted (each one a 3-way handshake), charged to the first request made on them. */
  connectionsOpened: number
  /** Connections open now whose latest request was of this row. */
  openConnections: number
  /** Bytes read from the socket: request heads, bodies, WebSocket frames with their headers. */
  bytesIn: number
  /** Bytes written to the socket: status lines, headers, chunk framing, bodies, frame headers. */
  bytesOut: number
  /** Feed events delivered to the client. */
  events: number
  /** Polls and long polls answered with no event. */
  emptyResponses: number
}

/** Shape of `GET /wire` (totals, `client` absent) and `GET /wire?client=ID`. */
export interface WireReport {
  client?: string
  techniques: Record<TechniqueName, WireCounters>
  /** The page's own traffic, kept out of the techniques' rows. */
  other: Record<OtherRowName, WireCounters>
  /** The feed's newest id when the report was made, so a page can tell how stale each panel is. */
  latest: number
  /** Server clock when the report was made, epoch ms. */
  at: number
  /**
   * For one client: when the server last saw a request of each row, epoch ms. A request the page sent
   * that the server has not seen after a while is queued in the browser, not held by the server.
   */
  lastRequestAt?: Partial<Record<TechniqueName | OtherRowName, number>>
}

export function emptyCounters(): WireCounters {
  return {
    requests: 0,
    connectionsOpened: 0,
    openConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    events: 0,
    emptyResponses: 0
  }
}
