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
  const { type, text, name, t, player, x, y } = (message ?? {}) as Record<string, unknown>
  const nameOk = name === undefined || typeof name === 'string'
  const unit = (value: unknown) => typeof value === 'number' && value >= 0 && value <= 1
  if (type === 'ping' && typeof t === 'number' && Number.isFinite(t)) return { pong: t }
  if (type === 'move' && typeof player === 'string' && clientIdPattern.test(player) && unit(x) && unit(y) && nameOk)
    return { move: true }
  if (type !== 'chat' || typeof text !== 'string' || !nameOk) return { close: closeCodes.policyViolation }
  const chat = chatVerdict(text, name as string | undefined)
  return chat === 'refused' ? { close: closeCodes.policyViolation } : { chat }
}
