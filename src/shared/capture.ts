import type { TechniqueName } from './techniques.ts'

/**
 * What the server's socket carried for one technique, item by item, in the order the
 * socket saw it. Responses, stream chunks and frames are decoded from the bytes written
 * to or read from the socket (never from Fastify's reply objects). A request is read from
 * the socket's bytes only on connections of a page whose wire view is open (or was in the
 * last minute); otherwise Node's own parser reads it, and its head is rebuilt from what
 * Node parsed: each `RequestItem` says which in `source`.
 */
export type CaptureItem = RequestItem | ResponseItem | StreamItem | FrameItem | Http2FrameItem | ClosedItem

/**
 * Whether an item is traffic (stream chunks, frames: they may come by thousands) rather than part of an
 * exchange (heads, closes). An HTTP/2 HEADERS frame carries a head, so it is kept with the exchanges.
 */
export function isTrafficItem(item: Pick<CaptureItem, 'kind'> & { typeName?: string }): boolean {
  return item.kind === 'stream' || item.kind === 'frame' || (item.kind === 'h2-frame' && item.typeName !== 'HEADERS')
}

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

/** How HPACK sent one header field (RFC 7541 §6): by table index, or as a literal added to the table or not. */
export type Http2FieldRepresentation =
  | 'indexed'
  | 'literal-incremental'
  | 'literal-without-indexing'
  | 'literal-never-indexed'

/** One header field of a HEADERS frame, as the server's HPACK decoder read it. */
export interface Http2HeaderField {
  name: string
  value: string
  representation: Http2FieldRepresentation
  /** The table index used for the whole field (`indexed`) or its name (1–61 static table, 62+ dynamic). */
  index?: number
  /** Bytes this field took in the header block. */
  encodedBytes: number
  /** The value was sent Huffman-coded (literals only). */
  huffman?: boolean
  /** The name was sent as a Huffman-coded literal (only when not sent by index). */
  nameHuffman?: boolean
}

/**
 * One HTTP/2 frame (RFC 9113 §4.1), read from the connection's plaintext between TLS and Node's
 * HTTP/2 session, both ways. Its stream's technique owns it; frames of stream 0 (the connection's own)
 * go to the technique of the connection's latest technique stream (before one, to the first).
 */
export interface Http2FrameItem extends ItemBase {
  kind: 'h2-frame'
  /** `in` = client to server, `out` = server to client. */
  direction: 'in' | 'out'
  /** 0 for the connection's own frames (SETTINGS, PING, GOAWAY, connection WINDOW_UPDATE). */
  streamId: number
  type: number
  /** `DATA`, `HEADERS`, `SETTINGS`…, `UNKNOWN(n)` for an extension type. */
  typeName: string
  flags: number
  /** The flags this type defines that are set: END_STREAM, END_HEADERS, PADDED, PRIORITY, ACK. */
  flagNames: string[]
  /** The payload's length in bytes; the frame takes `headerBytes + length` on the connection. */
  length: number
  /** The frame header: always 9 bytes. */
  headerBytes: number
  /**
   * HEADERS (and PUSH_PROMISE): the header block, with its CONTINUATIONs, as decoded; absent when the
   * connection's decoder failed (`undecoded` says why).
   */
  fields?: Http2HeaderField[]
  /** The header block's bytes (padding and priority left out), over every frame that carried it. */
  blockBytes?: number
  /**
   * The same head as HTTP/1.1 text would take: request line (or status line), `Host` from `:authority`,
   * one `name: value\r\n` line per other field, the blank line. Nothing HTTP/1.1 would add on its own.
   */
  asHttp1Bytes?: number
  /** CONTINUATION frames that carried the rest of this block (they follow as items of their own). */
  continuations?: number
  /** Why the header block is not decoded. */
  undecoded?: string
  /** DATA: the start of the payload as UTF-8 text (an event's `id:`/`data:` lines, a JSON body). */
  payload?: string
  /** RST_STREAM and GOAWAY: the error code's name (`NO_ERROR`, `CANCEL`…). */
  errorCode?: string
  /** GOAWAY: the last stream the sender will have processed. */
  lastStreamId?: number
  /** SETTINGS: each parameter as `NAME=value`. */
  settings?: string[]
  /** WINDOW_UPDATE: the window increment, in bytes. */
  windowIncrement?: number
  /** PING: the 8 bytes of opaque data, in hex. */
  opaqueHex?: string
  /** True when `payload` or the field list was cut to the capture's limit. */
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
