import type { FeedEvent } from '../../shared/feed-event.ts'
import type { Feed } from './feed.ts'

/** One event's bytes in each technique's form, made the first time a connection needs them. */
interface Forms {
  json?: string
  sseBlock?: Buffer
  ndjsonLine?: Buffer
  websocketMessage?: Buffer
  websocketFrame?: Buffer
}

// Keyed by the event object itself: when the feed's ring drops an event, its bytes go with it.
const formsOf = new WeakMap<FeedEvent, Forms>()

function forms(event: FeedEvent): Forms {
  let found = formsOf.get(event)
  if (!found) {
    found = {}
    formsOf.set(event, found)
  }
  return found
}

/**
 * Serialising is most of a broadcast's JavaScript: with 5,000 connections each event would be
 * turned into JSON, and then into bytes, 5,000 times. Here each is done once and shared.
 */
export function eventJson(event: FeedEvent): string {
  const found = forms(event)
  found.json ??= JSON.stringify(event)
  return found.json
}

/** `id:` + `data:` + blank line. JSON never contains a raw line break, so one `data:` line carries it all. */
export function sseBlock(event: FeedEvent): Buffer {
  const found = forms(event)
  found.sseBlock ??= Buffer.from(`id: ${event.id}\ndata: ${eventJson(event)}\n\n`)
  return found.sseBlock
}

/** One line of NDJSON: the event's JSON, then a line break (JSON never contains a raw one). */
export function ndjsonLine(event: FeedEvent): Buffer {
  const found = forms(event)
  found.ndjsonLine ??= Buffer.from(`${eventJson(event)}\n`)
  return found.ndjsonLine
}

/** The payload of the WebSocket text message `{"type":"event","event":…}`. */
export function websocketMessage(event: FeedEvent): Buffer {
  const found = forms(event)
  found.websocketMessage ??= Buffer.from(`{"type":"event","event":${eventJson(event)}}`)
  return found.websocketMessage
}

/**
 * The whole WebSocket frame of that message, as a server sends it (RFC 6455 section 5.2): FIN and
 * the text opcode, no mask, the length in 7, 16 or 64 bits, the payload. Built once for every
 * socket: writing it is all a delivery costs.
 */
export function websocketFrame(event: FeedEvent): Buffer {
  const found = forms(event)
  found.websocketFrame ??= textFrame(websocketMessage(event))
  return found.websocketFrame
}

function textFrame(payload: Buffer): Buffer {
  const length = payload.length
  const headerBytes = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(headerBytes + length)
  frame[0] = 0x81 // FIN, opcode 1 (text)
  if (headerBytes === 2) frame[1] = length
  else if (headerBytes === 4) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  payload.copy(frame, headerBytes)
  return frame
}

// A poll's answer depends only on its cursor until the next publish, and most pollers share one:
// its bytes are made once and every answer writes the same Buffer (no encoding, no length to count).
interface Page {
  body: Buffer
  events: number
}
const pagesOf = new WeakMap<Feed, { latest: number; byCursor: Map<number | undefined, Page> }>()

/** The JSON answer of a pull technique for this cursor (`FeedPage`) as bytes, made once per cursor per publish. */
export function pageBody(feed: Feed, cursor: number | undefined): Page {
  let pages = pagesOf.get(feed)
  if (!pages || pages.latest !== feed.latest) {
    pages = { latest: feed.latest, byCursor: new Map() }
    pagesOf.set(feed, pages)
  }
  const cached = pages.byCursor.get(cursor)
  if (cached) return cached
  const { events, reset } = feed.since(cursor)
  const json = `{"events":[${events.map(eventJson).join(',')}],"latest":${feed.latest}${reset ? ',"reset":true' : ''}}`
  const page = { body: Buffer.from(json), events: events.length }
  // Cursors are the client's to choose: keep at most a screenful of distinct ones per publish.
  if (pages.byCursor.size < 64) pages.byCursor.set(cursor, page)
  return page
}
