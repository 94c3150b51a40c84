import type { FastifyPluginAsync } from 'fastify'
import type { FeedEvent } from '../../shared/feed-event.ts'
import type { FeedClientMessage, FeedServerMessage } from '../../shared/websocket-messages.ts'
import { closeCodes } from '../../shared/websocket-messages.ts'
import { refuseWithoutUpgrade } from '../errors.ts'
import { publishChat } from '../feed/chat.ts'
import { type CursorQuery, cursorQuerySchema } from '../schemas.ts'

/** Reads one client message, or says which close code it earns. */
function parseMessage(data: Buffer, isBinary: boolean): FeedClientMessage | { code: number; reason: string } {
  if (isBinary) return { code: closeCodes.unsupportedData, reason: 'binary messages are not supported' }
  let message: unknown
  try {
    message = JSON.parse(data.toString('utf8'))
  } catch {
    return { code: closeCodes.invalidPayload, reason: 'message is not JSON' }
  }
  const { type, text, t } = (message ?? {}) as Record<string, unknown>
  if (type === 'chat' && typeof text === 'string') return { type, text }
  if (type === 'ping' && typeof t === 'number' && Number.isFinite(t)) return { type, t }
  return { code: closeCodes.policyViolation, reason: 'expected {"type":"chat","text"} or {"type":"ping","t"}' }
}

/**
 * WebSocket: one HTTP Upgrade, then a full-duplex channel of frames. The server
 * pushes each event the moment it is published, and the client can send chat and
 * pings on the same connection.
 */
const websocket: FastifyPluginAsync = async (app) => {
  app.route<{ Querystring: CursorQuery }>({
    method: 'GET',
    url: '/feed/websocket',
    schema: { querystring: cursorQuerySchema },
    config: { wireRow: 'websocket' },
    preValidation: app.checkOrigin,
    handler: refuseWithoutUpgrade,
    wsHandler: (socket, request) => {
      const tcp = request.raw.socket
      const send = (message: FeedServerMessage) => socket.send(JSON.stringify(message))
      const sendEvent = (event: FeedEvent) => {
        if (socket.readyState !== socket.OPEN) return // closing: the frame would be dropped, so not delivered
        send({ type: 'event', event })
        app.wire.countEvents(tcp, 1)
      }

      const { events, reset } = app.feed.since(request.query.after)
      if (reset) send({ type: 'reset' })
      for (const event of events) sendEvent(event)
      const unsubscribe = app.feed.subscribe(sendEvent)
      socket.once('close', unsubscribe)

      socket.on('message', (data: Buffer, isBinary) => {
        const message = parseMessage(data, isBinary)
        if ('code' in message) return socket.close(message.code, message.reason)
        if (message.type === 'ping') return send({ type: 'pong', t: message.t })
        try {
          publishChat(app.feed, message.text)
        } catch (error) {
          socket.close(closeCodes.policyViolation, (error as Error).message)
        }
      })
    }
  })
}

export default websocket
