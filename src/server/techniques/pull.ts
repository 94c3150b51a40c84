import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { pageBody } from '../feed/encoded.ts'

/**
 * The answer every pull technique gives: the events after the cursor as a `FeedPage` in JSON,
 * counted on the wire as delivered events or as one empty response. The JSON's bytes are made once per
 * cursor and publish, since a room of pollers mostly asks with the same cursor.
 */
export function pullAnswer(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  cursor: number | undefined
): Buffer | Promise<Buffer> {
  const socket = request.raw.socket
  // Pipelined behind a response Node is still writing (a held long poll), this answer goes out after
  // it: built now, its `latest` could be behind an event that response carries. It is built on its turn.
  const answering = app.wire.requestBeingAnswered(socket)
  if (answering && answering !== request.raw && !socket.destroyed)
    return new Promise<void>((resolve) => {
      const turn = () => {
        reply.raw.off('socket', turn)
        socket.off('close', turn)
        resolve()
      }
      reply.raw.once('socket', turn)
      socket.once('close', turn)
    }).then(() => pullAnswer(app, request, reply, cursor))
  const { body, events } = pageBody(app.feed, cursor)
  if (events > 0) app.wire.countEvents(request.raw, events)
  else app.wire.countEmptyResponse(request.raw)
  reply.type('application/json; charset=utf-8')
  return body
}
