import type { ValidateFunction } from 'ajv'
import type { FastifyPluginAsync } from 'fastify'
import type { FeedEvent } from '../../shared/feed-event.ts'
import type { FeedClientMessage, FeedServerMessage } from '../../shared/websocket-messages.ts'
import { closeCodes } from '../../shared/websocket-messages.ts'
import { refuseWithoutUpgrade } from '../errors.ts'
import { publishChat } from '../feed/chat.ts'
import { websocketFrame, websocketMessage } from '../feed/encoded.ts'
import { type CursorQuery, chatMessageSchema, cursorQuerySchema, moveMessageSchema } from '../schemas.ts'
import { applyMove, type Move } from '../use-cases/use-case-routes.ts'
import { compileMessageSchema } from '../validation.ts'
import { deliveryFailure, guarded } from './delivery-failure.ts'
import { defaultSendBufferMaxBytes, type PushOptions } from './push-buffer.ts'

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
  const bufferMax = options.sendBufferMaxBytes ?? defaultSendBufferMaxBytes
  app.route<{ Querystring: CursorQuery }>({
    method: 'GET',
    url: '/feed/websocket',
    schema: { querystring: cursorQuerySchema },
    config: { wireRow: 'websocket' },
    preValidation: app.checkOrigin,
    handler: refuseWithoutUpgrade,
    wsHandler: (socket, request) => {
      const tcp = request.raw.socket
      // The simulated network (0 ms unless a teacher sets a round trip): each frame travels half an RTT, in order.
      const outbound = app.network.oneWay()
      const inbound = app.network.oneWay()
      // A peer that stops reading lets frames pile up here: past the bound it is cut (no close
      // frame could reach it anyway) and, reconnecting with its cursor, misses nothing. The
      // catch-up below goes out in one burst, so it may wait on top of the bound (the feed's capacity bounds it).
      let bound = bufferMax
      let leave = () => {}
      const dropIfSlow = () => {
        if (socket.bufferedAmount <= bound) return false
        request.log.warn(
          { client: request.query.client, buffered: socket.bufferedAmount },
          'slow WebSocket reader dropped'
        )
        socket.terminate()
        return true
      }
      // A write that throws closes this socket alone, with 1011; should even the close frame not go out, it is cut.
      const failed = deliveryFailure(request, 'websocket', () => {
        leave()
        try {
          socket.close(closeCodes.internalError, 'delivery failed')
        } catch {
          socket.terminate()
        }
      })
      const send = (message: FeedServerMessage) =>
        outbound.send(
          guarded(() => {
            if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
          }, failed)
        )
      // Each event's frame is built once for every socket and written as is, beside ws's own frames:
      // safe because ws writes each frame whole and at once (no permessage-deflate here, so it never queues).
      // Several events at once go out in one write.
      const sendEvents = (events: FeedEvent[]) =>
        outbound.send(
          guarded(() => {
            if (socket.readyState !== socket.OPEN) return // closing: after ws's close frame nothing may follow
            if (dropIfSlow()) return
            tcp.cork()
            try {
              for (const event of events) tcp.write(websocketFrame(event))
            } finally {
              tcp.uncork()
            }
            app.wire.countEvents(tcp, events.length)
          }, failed)
        )

      const { events, reset } = app.feed.since(request.query.after)
      if (reset) send({ type: 'reset' })
      for (const event of events) bound += websocketMessage(event).length
      if (events.length > 0) sendEvents(events)
      leave = app.feed.join(app.feed.latest, sendEvents, failed)
      socket.once('close', () => {
        leave()
        outbound.cancel()
        inbound.cancel()
      })

      // ws answers every ping frame with a pong: a flood of pings from a peer that reads nothing piles up pongs.
      socket.on('ping', dropIfSlow)

      const receive = async (data: Buffer, isBinary: boolean) => {
        const message = parseMessage(data, isBinary)
        if ('code' in message) return socket.close(message.code, message.reason)
        const overLimit = await app.countSend(message.type, request)
        if (overLimit) return socket.close(closeCodes.policyViolation, overLimit.message)
        if (socket.readyState !== socket.OPEN) return
        if (message.type === 'ping') return send({ type: 'pong', t: message.t })
        try {
          if (message.type === 'move') applyMove(app.game, message)
          else publishChat(app.feed, message.text, message.name)
        } catch (error) {
          socket.close(closeCodes.policyViolation, (error as Error).message)
        }
      }
      // A message from the browser also travels half a simulated RTT before the server acts on it;
      // messages are handled one after the other, in the order they came (the rate limit's check is async).
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
