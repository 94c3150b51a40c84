// Bare polling baseline: `node:http`, `GET /feed/polling?after=N` answers at once with the events
// after N, one JSON.stringify per request, on a keep-alive connection (Node's default).
// Speaks `bench/protocol.ts`.
import { createServer } from 'node:http'
import { BareFeed, badCursor, parseCursor, sendJson, serveBench } from './bare-feed.ts'

const feed = new BareFeed()

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/polling') return sendJson(res, 404, { error: 'not found' })
  const after = parseCursor(url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)
  res.on('error', () => {})
  sendJson(res, 200, { events: feed.since(after), latest: feed.latest })
})

serveBench(server, feed)
