// Pieces of JSON Schema shared by routes, so every technique validates its query the same way.

/** `client=<id>`: the random id a page puts on every request, so each page's traffic can be told apart. */
export const clientIdSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } as const

/** The same rule for code that reads `client=` before (or apart from) validation. */
export const clientIdPattern = new RegExp(clientIdSchema.pattern)

/** Query of a route that takes nothing but the page's id. */
export const clientQuerySchema = { type: 'object', properties: { client: clientIdSchema } } as const

/** `after=<id>`: the last event id the client has. */
export const cursorSchema = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const

/** Query of a technique that takes a cursor. */
export const cursorQuerySchema = {
  type: 'object',
  properties: { client: clientIdSchema, after: cursorSchema }
} as const

export interface CursorQuery {
  client?: string
  after?: number
}
