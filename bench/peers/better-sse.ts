// better-sse 0.16, as people set it up instead of writing their own: a plain `node:http` server, a session
// per `GET /feed/sse` and one channel that broadcasts each event to them. Its own defaults otherwise: a
// `retry:2000` first, a keep-alive comment every 10 s, each session serializing the event itself. Publishes
// with the same feed and plumbing as the bare baselines. Speaks `bench/protocol.ts`.
//
// Its blocks say the same as ours (`event:message` is EventSource's default type), in its own spelling:
// "event:message\nid:<n>\ndata:<event JSON>\n\n".
import { createServer } from 'node:http'
import { createChannel, createSession, type Session } from 'better-sse'
import { type BareEvent, BareFeed, badCursor, parseCursor, sendJson, serveBench } from '../baselines/bare-feed.ts'

const feed = new BareFeed()
// Sessions leave the channel by themselves when their connection closes.
const channel = createChannel()

const push = (session: Session, event: BareEvent) => session.push(event, 'message', String(event.id))

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/sse') return sendJson(res, 404, { error: 'not found' })
  // A reconnecting EventSource sends the last id it saw; it wins over the query.
  const lastEventId = req.headers['last-event-id']
  const after = parseCursor(typeof lastEventId === 'string' ? lastEventId : url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)

  const session = await createSession(req, res)
  // Catch-up first, then join: both in the same turn, so no publish can slip in between.
  for (const event of feed.since(after)) push(session, event)
  channel.register(session)
})

feed.onPublish((event) => channel.broadcast(event, 'message', { eventId: String(event.id) }))

serveBench(server, feed)
