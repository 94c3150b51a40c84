import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { pageJson } from '../feed/encoded.ts'

/**
 * The answer every pull technique gives: the events after the cursor as a `FeedPage` in JSON,
 * counted on the wire as delivered events or as one empty response. The JSON is made once per
 * cursor and publish, since a room of pollers mostly asks with the same cursor.
 */
export function pullAnswer(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  cursor: number | undefined
): string {
  const { json, events } = pageJson(app.feed, cursor)
  const socket = request.raw.socket
  if (events > 0) app.wire.countEvents(socket, events)
  else app.wire.countEmptyResponse(socket)
  reply.type('application/json; charset=utf-8')
  return json
}
