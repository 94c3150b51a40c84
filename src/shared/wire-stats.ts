import type { OtherRowName, TechniqueName } from './techniques.ts'

/** What the server counted on its sockets for one technique (or other row), for one client or for all. */
export interface WireCounters {
  /** HTTP requests received; a WebSocket's Upgrade request counts as one. */
  requests: number
  /** Of `requests`, those that arrived over HTTP/2 (each a stream); the rest came over HTTP/1.x. */
  requestsOverHttp2: number
  /**
   * TCP connections accepted (each one a 3-way handshake), charged to the first request made on them.
   * Over HTTP/2 every later stream shares the connection, so a technique adds none after the page's first request.
   */
  connectionsOpened: number
  /**
   * TCP connections in use by this row now. HTTP/1.x: connections open whose latest request was of this
   * row (one request at a time each). HTTP/2: connections on which this row has a stream open now, or,
   * for a connection with no stream open, whose latest stream was of this row; one connection carrying
   * streams of several rows counts once in each of them.
   */
  openConnections: number
  /**
   * Bytes read: request heads, bodies, WebSocket frames with their headers. Over HTTP/2 the stream's
   * frames, 9-byte headers included. Under `--tls` alone, encrypted bytes (TLS included); under
   * `--http2`, the bytes HTTP put inside TLS, TLS's own cost being in the `connection` row.
   */
  bytesIn: number
  /** Bytes written: status lines, headers, chunk framing, bodies, frame headers (counted as `bytesIn` is). */
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
  /** For one client: TCP connections open now that carried at least one of its requests, by protocol. */
  connectionsNow?: { http1: number; http2: number }
  /**
   * With several instances sharing the feed (REDIS_URL): the instances whose counters of this page are
   * added up here, the one answering first. Each counts only its own sockets; the others' part is up to a second old.
   */
  instances?: string[]
  /** With several instances: the other instances' counts could not be read (the store is unreachable); these are `instances[0]`'s alone. */
  othersUnknown?: boolean
}

export function emptyCounters(): WireCounters {
  return {
    requests: 0,
    requestsOverHttp2: 0,
    connectionsOpened: 0,
    openConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    events: 0,
    emptyResponses: 0
  }
}
