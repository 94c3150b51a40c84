import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FeedPage } from '../../shared/feed-event.ts'

/**
 * The answer every pull technique gives: the events after the cursor, counted
 * on the wire as delivered events or as one empty response.
 */
export function pullAnswer(app: FastifyInstance, request: FastifyRequest, cursor: number | undefined): FeedPage {
  const page = app.feed.page(cursor)
  const socket = request.raw.socket
  if (page.events.length > 0) app.wire.countEvents(socket, page.events.length)
  else app.wire.countEmptyResponse(socket)
  return page
}
