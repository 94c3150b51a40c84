// What the server must answer, written from the documented rules rather than from the server's code.
import { limits } from '../../src/shared/feed-event.ts'
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
