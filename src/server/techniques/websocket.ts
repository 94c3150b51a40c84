import type { ValidateFunction } from 'ajv'
import type { FastifyPluginAsync } from 'fastify'
import type { FeedClientMessage, FeedServerMessage } from '../../shared/websocket-messages.ts'
import { closeCodes } from '../../shared/websocket-messages.ts'
import { FeedStoreUnavailable, refuseWithoutUpgrade } from '../errors.ts'
import { publishChat } from '../feed/chat.ts'
import { websocketFrame, websocketMessage } from '../feed/encoded.ts'
import { type CursorQuery, chatMessageSchema, cursorQuerySchema, moveMessageSchema } from '../schemas.ts'
import { applyMove, type Move } from '../use-cases/use-case-routes.ts'
import { compileMessageSchema } from '../validation.ts'
import { type PushOptions, pushFeed } from './push-connection.ts'

const expected = 'expected {"type":"chat","text"}, {"type":"ping","t"} or {"type":"move","player","x","y"}'

// The very schemas of POST /feed/messages and POST /game/moves, checked the same way: one verdict either way.
const checks = {
  chat: compileMessageSchema<{ text: string; name?: string }>(chatMessageSchema),
  move: compileMessageSchema<Move>(moveMessageSchema)
}

/** Ajv's first complaint, worded as Fastify words a body's (`body/name must …`), within a close reason's 123 bytes. */
function reasonOf(check: ValidateFunction): string {
  const [error] = check.errors ?? []
  const reason = error ? `message${error.instancePath} ${error.message ?? 'is invalid'}` : 'message is invalid'
  return Buffer.from(reason)
    .subarray(0, 123)
    .toString('utf8')
    .replace(/\uFFFD$/, '')
}

/** Reads one client message, or says which close code it earns. */
function parseMessage(data: Buffer, isBinary: boolean): FeedClientMessage | { code: number; reason: string } {
  if (isBinary) return { code: closeCodes.unsupportedData, reason: 'binary messages are not supported' }
  let message: unknown
  try {
    message = JSON.parse(data.toString('utf8'))
  } catch {
    return { code: closeCodes.invalidPayload, reason: 'message is not JSON' }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { code: closeCodes.policyViolation, reason: expected }
  const { type, ...fields } = message as Record<string, unknown>
  if (type === 'ping') {
    const { t } = fields
    if (typeof t === 'number' && Number.isFinite(t)) return { type, t }
  } else if (type === 'chat') {
    if (!checks.chat(fields)) return { code: closeCodes.policyViolation, reason: reasonOf(checks.chat) }
    return { type, ...fields }
  } else if (type === 'move') {
    if (!checks.move(fields)) return { code: closeCodes.policyViolation, reason: reasonOf(checks.move) }
    return { type, ...fields }
  }
  return { code: closeCodes.policyViolation, reason: expected }
}

/**
 * WebSocket: one HTTP Upgrade, then a full-duplex channel of frames. The server
 * pushes each event the moment it is published, and the client can send chat, game
 * moves and pings on the same connection.
 */
const websocket: FastifyPluginAsync<PushOptions> = async (app, options) => {
  app.route<{ Querystring: CursorQuery }>({
    method: 'GET',
    url: '/feed/websocket',
    schema: { querystring: cursorQuerySchema },
    config: { wireRow: 'websocket' },
    preValidation: app.checkOrigin,
    handler: refuseWithoutUpgrade,
    wsHandler: (socket, request) => {
      const tcp = request.raw.socket
      // Each event's frame is built once for every socket and written as is, beside ws's own frames:
      // safe because ws writes each frame whole and at once (no permessage-deflate here, so it never queues).
      const push = pushFeed(
        app,
        request,
        'websocket',
        request.query.after,
        {
          // Several events at once go out in one TCP write: pushFeed corks the socket around each delivery.
          events: (events) => {
            for (const event of events) tcp.write(websocketFrame(event))
          },
          reset: () => socket.send(JSON.stringify({ type: 'reset' } satisfies FeedServerMessage)),
          sizeOf: (event) => websocketMessage(event).length,
          buffered: () => socket.bufferedAmount,
          // Closing: after ws's close frame nothing may follow.
          writable: () => socket.readyState === socket.OPEN,
          cut: (why) => {
            // A reader too slow could not take a close frame either; a failed write gets 1011 if it still can.
            if (why === 'slow reader') return socket.terminate()
            try {
              socket.close(closeCodes.internalError, 'delivery failed')
            } catch {
              socket.terminate()
            }
          }
        },
        options
      )
      const send = (message: FeedServerMessage) => push.later(() => socket.send(JSON.stringify(message)))
      // With several instances: which one this socket is on (a browser cannot read the 101's headers).
      if (app.sharedFeed) send({ type: 'instance', name: app.instanceName })
      // A message from the browser also travels half a simulated RTT before the server acts on it.
      const inbound = app.network.oneWay()
      socket.once('close', () => {
        push.stop()
        inbound.cancel()
      })

      // ws answers every ping frame with a pong: a flood of pings from a peer that reads nothing piles up
      // pongs, and the bound cuts it like any reader that does not read.
      socket.on('ping', push.cutIfSlow)

      const receive = async (data: Buffer, isBinary: boolean) => {
        const message = parseMessage(data, isBinary)
        if ('code' in message) return socket.close(message.code, message.reason)
        const overLimit = await app.countSend(message.type, request)
        if (overLimit) return socket.close(closeCodes.policyViolation, overLimit.message)
        if (socket.readyState !== socket.OPEN) return
        if (message.type === 'ping') return send({ type: 'pong', t: message.t })
        try {
          if (message.type === 'move') applyMove(app.game, message)
          else await publishChat(app.publisher, message.text, message.name)
        } catch (error) {
          // The shared store away is no fault of the peer's: it may send again later (1013, in RFC 6455's
          // registry). A close reason holds 123 bytes, so not Redis's own words.
          if (error instanceof FeedStoreUnavailable)
            socket.close(closeCodes.tryAgainLater, 'the shared feed store is unreachable: send again later')
          else socket.close(closeCodes.policyViolation, (error as Error).message)
        }
      }
      // Messages are handled one after the other, in the order they came (the rate limit's check is async).
      let handled = Promise.resolve()
      socket.on('message', (data: Buffer, isBinary) =>
        inbound.send(() => {
          handled = handled
            .then(() => receive(data, isBinary))
            .catch((error) => {
              request.log.error(error, 'WebSocket message failed')
              socket.close(closeCodes.internalError, 'internal error')
            })
        })
      )
    }
  })
}

export default websocket
