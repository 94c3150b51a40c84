import createError from '@fastify/error'
import { limits } from '../shared/feed-event.ts'

// Every error the API can answer with, declared once with its code and status.
// Fastify turns them into `{ statusCode, code, error, message }`.

export const ChatTextInvalid = createError(
  'WW_ERR_CHAT_TEXT',
  `chat text must be 1 to ${limits.chatTextMax} characters after trimming`,
  400
)

export const OriginRefused = createError(
  'WW_ERR_ORIGIN',
  "WebSocket refused: Origin %s is not this server's own nor in ALLOWED_ORIGINS",
  403
)

export const NotAWebSocket = createError(
  'WW_ERR_NOT_WEBSOCKET',
  '%s only speaks WebSocket: send an Upgrade request',
  426
)

/** `GET /wire/handshake` for a page that has not opened the WebSocket panel yet. */
export const NoHandshakeYet = createError(
  'WW_ERR_NO_HANDSHAKE',
  'no WebSocket on /feed/websocket has been captured for client %s yet',
  404
)

/** Handler for the plain-HTTP side of a WebSocket route: tell the client to upgrade. */
export async function refuseWithoutUpgrade(request: { url: string }): Promise<never> {
  throw new NotAWebSocket(request.url)
}
