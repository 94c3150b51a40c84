// What the server must answer, written from the documented rules rather than from the server's code.
import { type FeedEvent, type FeedPage, limits } from '../../src/shared/feed-event.ts'
import type { Technique } from '../../src/shared/techniques.ts'
import { closeCodes } from '../../src/shared/websocket-messages.ts'
import { clientIdPattern } from './fuzz-inputs.ts'

export type Chat = { text: string; name?: string }

/** The chat the feed must publish for this text and name, or 'refused' when either is out of bounds. */
export function chatVerdict(text: string, name: string | undefined): Chat | 'refused' {
  const trimmed = text.trim()
  const who = name?.trim() ?? ''
  const length = [...trimmed].length
  if (length < 1 || length > limits.chatTextMax || [...who].length > limits.chatNameMax) return 'refused'
  return who ? { text: trimmed, name: who } : { text: trimmed }
}

/**
 * What `POST /feed/messages` must do with a plain JSON `{ text, name? }` body within the raw
 * bounds of its schema (four times the real ones); undefined for any other body.
 */
export function expectedChat(payload: string | Buffer, type: string | undefined): Chat | 'refused' | undefined {
  if (type !== 'application/json' || typeof payload !== 'string' || payload.length > 8 * 1024) return undefined
  let body: unknown
  try {
    body = JSON.parse(payload)
  } catch {
    return undefined
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined
  const { text, name, ...rest } = body as Record<string, unknown>
  if (Object.keys(rest).length > 0 || typeof text !== 'string') return undefined
  if (name !== undefined && (typeof name !== 'string' || [...name].length > 4 * limits.chatNameMax)) return undefined
  return [...text].length > 4 * limits.chatTextMax ? undefined : chatVerdict(text, name)
}

export type Expected = { close: number } | { chat: Chat } | { pong: number } | { move: true }

// Fatal: invalid UTF-8 in a text frame is the socket's error (1007), not U+FFFD as Buffer#toString would make it.
// ignoreBOM: a leading BOM is kept, as the server's toString keeps it (and JSON.parse then refuses it).
export const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const withinRawBound = (value: unknown, max: number) => typeof value === 'string' && [...value].length <= max

/**
 * The fields of a chat or a move less its `type`, checked as `POST /feed/messages` and `POST /game/moves`
 * check their bodies (the one schema both ways): no other property, strings of a raw length (four times
 * the real bound), and for a move a player id and x, y within 0–1. The trimmed lengths come after.
 */
function shapeIsValid(type: 'chat' | 'move', fields: Record<string, unknown>): boolean {
  const nameOk = (name: unknown) => name === undefined || withinRawBound(name, 4 * limits.chatNameMax)
  if (type === 'chat') {
    const { text, name, ...rest } = fields
    return Object.keys(rest).length === 0 && withinRawBound(text, 4 * limits.chatTextMax) && nameOk(name)
  }
  const { player, x, y, name, ...rest } = fields
  const unit = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1
  const playerOk = typeof player === 'string' && clientIdPattern.test(player)
  return Object.keys(rest).length === 0 && playerOk && unit(x) && unit(y) && nameOk(name)
}

/** What the server must do with one frame, from the message types and close codes of websocket-messages.ts. */
export function expectedOutcome(data: Buffer, binary: boolean): Expected {
  if (data.length > limits.websocketMaxPayload) return { close: closeCodes.messageTooBig }
  if (binary) return { close: closeCodes.unsupportedData }
  let message: unknown
  try {
    message = JSON.parse(utf8.decode(data))
  } catch {
    return { close: closeCodes.invalidPayload }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { close: closeCodes.policyViolation }
  const { type, ...fields } = message as Record<string, unknown>
  if (type === 'ping' && typeof fields.t === 'number' && Number.isFinite(fields.t)) return { pong: fields.t }
  if ((type !== 'chat' && type !== 'move') || !shapeIsValid(type, fields)) return { close: closeCodes.policyViolation }
  const name = fields.name as string | undefined
  if (type === 'move')
    return [...(name ?? '').trim()].length > limits.chatNameMax ? { close: closeCodes.policyViolation } : { move: true }
  const chat = chatVerdict(fields.text as string, name)
  return chat === 'refused' ? { close: closeCodes.policyViolation } : { chat }
}

/**
 * The rule for every number in a query string or header (`after`, `timeout`, `keepalive`, `since`,
 * `Last-Event-ID`): ASCII digits with no sign and no leading zero, from 0 to `maximum`. Anything
 * else (`1e3`, `0x1d`, `Infinity`, `-0`, `+1`, `1.0`, a blank) is a 400.
 */
export function isPlainInteger(text: string | undefined, maximum = Number.MAX_SAFE_INTEGER): boolean {
  return text !== undefined && /^(0|[1-9][0-9]*)$/.test(text) && Number(text) <= maximum
}

/** A query value as the server reads it: `+` is a space, `%xx` a byte; undefined when the key is repeated. */
export function queryValueAsRead(sent: string, key: string): string | undefined {
  if (sent.includes(`&${key}=`)) return undefined
  try {
    return decodeURIComponent(sent.replace(/\+/g, ' '))
  } catch {
    return sent // left as sent: its % is no digit
  }
}

/** The event ids a 200 from `/feed/<name>` carries, oldest first, and the newest id when the answer itself says it. */
export interface AnswerIds {
  ids: number[]
  latest?: number
}

export type AnswerReader = (body: string, technique: Technique) => AnswerIds

/**
 * How to read the events out of a 200 from a technique's route, by content type: the one the technique declares
 * and its answer says. A technique whose declared type is not here, or an answer whose type is not, fails by name.
 */
export const answerReaders: Readonly<Record<string, AnswerReader>> = {
  // SSE: the `id:` line of each block.
  'text/event-stream': (body) => ({ ids: [...body.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1])) }),
  // NDJSON: one event per line (keep-alives are blank lines).
  'application/x-ndjson': (body) => ({
    ids: body
      .split('\n')
      .filter((line) => line.startsWith('{"id"'))
      .map((line) => (JSON.parse(line) as FeedEvent).id)
  }),
  // A forever frame's page hands each event up in a `postMessage` script; a whole page (manual refresh) shows the
  // newest events as rows, newest first, under a body that says the feed's latest id.
  'text/html': (body, { streamed }) => {
    if (streamed) return { ids: [...body.matchAll(/postMessage\(\{"id":(\d+),/g)].map((match) => Number(match[1])) }
    const rows = [...body.matchAll(/<tr data-id="(\d+)"/g)].map((match) => Number(match[1]))
    const latest = /<body data-latest="(\d+)"/.exec(body)?.[1]
    return { ids: rows.toReversed(), ...(latest === undefined ? {} : { latest: Number(latest) }) }
  },
  // A pull's page of events. An upgrading technique's JSON comes in frames after its 101: a plain GET gets a 426.
  'application/json': (body, { name, upgrades }) => {
    if (upgrades) throw new Error(`${name} answered a GET without an Upgrade with a 200`)
    const page = JSON.parse(body) as FeedPage
    return { ids: page.events.map((event) => event.id), latest: page.latest }
  }
}

/** The readers' content type of an answer's `content-type` header: its media type, without parameters. */
export const mediaType = (header: unknown) => String(header).split(';')[0]?.trim().toLowerCase() ?? ''
