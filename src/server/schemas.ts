// Pieces of JSON Schema shared by routes, so every technique validates its query the same way.
import { limits } from '../shared/feed-event.ts'

/** `client=<id>`: the random id a page puts on every request, so each page's traffic can be told apart. */
export const clientIdSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const

/** The same rule for code that reads `client=` before (or apart from) validation. */
export const clientIdPattern = new RegExp(clientIdSchema.pattern)

/** Query of a route that takes nothing but the page's id. */
export const clientQuerySchema = { type: 'object', properties: { client: clientIdSchema } } as const

/**
 * The keyword (see `validation.ts`) that reads a query or header value as a plain decimal integer
 * within `{ minimum, maximum }` and hands the route the number. Ajv's own coercion is far too
 * lenient for text (`Infinity`, `1e400`, `0x1d`, `%20` → 0 all pass as numbers).
 */
export const decimalIntegerKeyword = 'decimalInteger'

/** Digits only, no sign, no leading zero: `0`, `7`, `123`; not `-0`, `+1`, `1.0`, `1e3`, `0x1d`, `` or ` `. */
export const decimalIntegerPattern = /^(0|[1-9][0-9]*)$/

/**
 * A number in a query string or header: text matching `decimalIntegerPattern`, from `minimum` to
 * `maximum`, else `400 FST_ERR_VALIDATION` with the reason. The one rule for every cursor, timeout and switch.
 */
export function queryInteger(minimum: number, maximum: number) {
  return { type: 'string', [decimalIntegerKeyword]: { minimum, maximum } } as const
}

/** `after=<id>` (and `Last-Event-ID`): the last event id the client has. */
export const cursorSchema = queryInteger(0, Number.MAX_SAFE_INTEGER)

/** Query of a technique that takes a cursor. */
export const cursorQuerySchema = {
  type: 'object',
  properties: { client: clientIdSchema, after: cursorSchema }
} as const

export interface CursorQuery {
  client?: string
  after?: number
}

/**
 * A chat message, however it arrives: the body of `POST /feed/messages` and, less its `type`, the
 * WebSocket's `{"type":"chat"}`. Raw bounds here (four times the real ones); the 1–280 characters of
 * text and at most 24 of name are counted after trimming, by `publishChat`.
 */
export const chatMessageSchema = {
  type: 'object',
  required: ['text'],
  additionalProperties: false,
  properties: {
    text: { type: 'string', maxLength: 4 * limits.chatTextMax },
    name: { type: 'string', maxLength: 4 * limits.chatNameMax }
  }
} as const

/**
 * A game move, however it arrives: the body of `POST /game/moves` and, less its `type`, the
 * WebSocket's `{"type":"move"}`. The name follows the chat's rule (at most 24 after trimming, checked by `applyMove`).
 */
export const moveMessageSchema = {
  type: 'object',
  required: ['player', 'x', 'y'],
  additionalProperties: false,
  properties: {
    player: clientIdSchema,
    name: { type: 'string', maxLength: 4 * limits.chatNameMax },
    x: { type: 'number', minimum: 0, maximum: 1 },
    y: { type: 'number', minimum: 0, maximum: 1 }
  }
} as const
