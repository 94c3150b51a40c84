import type { TechniqueName } from './techniques.ts'

/**
 * What the server's socket carried for one technique, item by item, in the order the
 * socket saw it. Responses, stream chunks and frames are decoded from the bytes written
 * to or read from the socket (never from Fastify's reply objects). A request is read from
 * the socket's bytes only on connections of a page whose wire view is open (or was in the
 * last minute); otherwise Node's own parser reads it, and its head is rebuilt from what
 * Node parsed: each `RequestItem` says which in `source`.
 */
export type CaptureItem = RequestItem | ResponseItem | StreamItem | FrameItem | ClosedItem

interface ItemBase {
  /** Increases by one for every item the server captures, across all clients: a cursor for `since=`. */
  seq: number
  technique: TechniqueName
  /** The server's number for the TCP connection (first accepted = 1). */
  connection: number
  /**
   * Server clock, epoch ms, when the item's first byte was read or written; for a request
   * `parsed-by-node`, when Node reported it (its whole head had arrived).
   */
  at: number
  /** The simulated round-trip time in force when the item was captured (0 = none). */
  simulatedRttMs: number
}

/**
 * How a request item was obtained. `socket-bytes`: its head and body size were read from the
 * socket's bytes. `parsed-by-node`: Node's HTTP parser read it; the head is rebuilt from
 * `rawHeaders` (header names keep their case and order, but Node trims the spaces around values
 * and the request line is rewritten), and the body size counts the body Node delivered.
 */
export type RequestSource = 'socket-bytes' | 'parsed-by-node'

/** An HTTP request: its head (request line and headers) and its body's size. */
export interface RequestItem extends ItemBase {
  kind: 'request'
  source: RequestSource
  /** True when this is the first request on its connection: the client paid a TCP handshake for it. */
  newConnection: boolean
  /** When the server accepted the connection, epoch ms. */
  connectedAt: number
  /**
   * Request line and headers up to the blank line, CRLFs kept: exactly as received for
   * `socket-bytes`, rebuilt from Node's parsed request for `parsed-by-node`.
   */
  head: string
  /** `head`'s length in bytes: on the wire for `socket-bytes`, of the rebuilt text for `parsed-by-node`. */
  headBytes: number
  /**
   * The body's size: bytes on the wire, chunk framing included, for `socket-bytes`; the body as
   * Node delivered it (chunk framing removed) for `parsed-by-node`. A chunked body is counted, never 0.
   */
  bodyBytes: number
  /** True when `head` was cut to the capture's limit. */
  truncated: boolean
}

/** An HTTP response as sent: status line and headers, then the size (and start) of the body. */
export interface ResponseItem extends ItemBase {
  kind: 'response'
  status: number
  head: string
  headBytes: number
  /** Body bytes as written, chunk framing included; for a stream (SSE) only what came with the head. */
  bodyBytes: number
  /** The first bytes of the body as written (UTF-8), chunk framing included. */
  bodyStart: string
  /** When the last byte of the body was written, epoch ms; absent for a stream that goes on. */
  endAt?: number
  truncated: boolean
}

/** One HTTP chunk of a response that streams (Server-Sent Events): the raw text as written. */
export interface StreamItem extends ItemBase {
  kind: 'stream'
  /** The chunk-size line as sent, in hex (`Transfer-Encoding: chunked`). */
  chunkSize: string
  /** The chunk's data as written: `id:`, `data:`, `retry:`, `event:` lines and `:` comments. */
  text: string
  /** Bytes on the wire for this chunk, framing included. */
  bytes: number
  truncated: boolean
}

/** RFC 6455 section 5.2 opcodes; the others are reserved. */
export const opcodeNames: ReadonlyMap<number, string> = new Map([
  [0x0, 'continuation'],
  [0x1, 'text'],
  [0x2, 'binary'],
  [0x8, 'close'],
  [0x9, 'ping'],
  [0xa, 'pong']
])

/** One WebSocket frame, decoded from the bytes that crossed the socket. */
export interface FrameItem extends ItemBase {
  kind: 'frame'
  /** `in` = client to server (always masked), `out` = server to client (never masked). */
  direction: 'in' | 'out'
  fin: boolean
  rsv1: boolean
  rsv2: boolean
  rsv3: boolean
  opcode: number
  /** `text`, `binary`, `close`, `ping`, `pong`, `continuation`, or `reserved`. */
  opcodeName: string
  masked: boolean
  /** The 4-byte masking key in hex, when masked. */
  maskingKey?: string
  payloadLength: number
  /** Which length form the header used: 7-bit (≤ 125), 16-bit (126) or 64-bit (127). */
  lengthForm: 7 | 16 | 64
  /** Frame header size in bytes (2–14). */
  headerBytes: number
  /** The payload, unmasked: UTF-8 text for text frames, `code reason` for close, hex otherwise. */
  payload: string
  /** The first bytes of the frame exactly as they crossed the wire (masked), in hex. */
  hex: string
  truncated: boolean
}

/** The connection closed. */
export interface ClosedItem extends ItemBase {
  kind: 'closed'
  bytesIn: number
  bytesOut: number
}

/** Shape of `GET /wire/capture?client=ID[&technique=NAME][&since=SEQ]`. */
export interface CaptureReport {
  client: string
  /** The newest `seq` the server has handed out; pass it back as `since` to get only newer items. */
  latest: number
  items: CaptureItem[]
}

/**
 * Shape of `POST /wire/watch` `{ client }`'s answer: the page's wire view is open, so until
 * `until` (epoch ms; a minute on) connections from its address have their requests read from
 * the socket's bytes (`source: 'socket-bytes'`). The page says so again while the view stays open.
 */
export interface WireWatch {
  client: string
  until: number
}

/** Shape of `GET /wire/handshake?client=ID`: RFC 6455's accept computation, step by step, for the client's newest WebSocket. */
export interface HandshakeExplained {
  client: string
  connection: number
  /** `Sec-WebSocket-Key` from the captured Upgrade request. */
  key: string
  /** The fixed GUID of RFC 6455 section 1.3. */
  guid: string
  /** key + GUID, the string that is hashed. */
  concatenated: string
  /** SHA-1 of `concatenated`, in hex (20 bytes). */
  sha1Hex: string
  /** base64 of those 20 bytes: what `Sec-WebSocket-Accept` must be. */
  expectedAccept: string
  /** `Sec-WebSocket-Accept` from the captured `101 Switching Protocols` response. */
  sentAccept: string
  matches: boolean
  requestHead: string
  responseHead: string
}

/** Shape of `GET /wire/network` and of the body of `PUT /wire/network`. */
export interface NetworkConditions {
  /** Simulated round-trip time in ms, 0–500, applied by the server to every technique. */
  rttMs: number
}

export const networkLimits = { rttMaxMs: 500 } as const

/** Whether the server captures a page's technique sockets; it keeps the wire of at most `maxPages` pages. */
export interface CaptureStatus {
  captured: boolean
  maxPages: number
}
