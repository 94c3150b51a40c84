// Bare long-polling baseline: `node:http`, `GET /feed/long-polling?after=N` answers at once when
// events after N exist, else holds the response until the next publish (204 after 25 s). Naive on
// purpose: each held response gets its own JSON.stringify. Keep-alive is Node's default.
// Speaks `bench/protocol.ts`.
import { createServer, type ServerResponse } from 'node:http'
import { BareFeed, badCursor, parseCursor, sendJson, serveBench } from './bare-feed.ts'

const holdMs = 25_000

interface Held {
  res: ServerResponse
  after: number | undefined
  timer: NodeJS.Timeout
}

const feed = new BareFeed()
const held = new Set<Held>()

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/long-polling') return sendJson(res, 404, { error: 'not found' })
  const after = parseCursor(url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)
  const events = feed.since(after)
  if (events.length > 0) return sendJson(res, 200, { events, latest: feed.latest })

  const waiting: Held = {
    res,
    after,
    timer: setTimeout(() => {
      held.delete(waiting)
      res.writeHead(204)
      res.end()
    }, holdMs)
  }
  held.add(waiting)
  res.on('error', () => {})
  // The client hung up while waiting: forget it.
  res.on('close', () => {
    if (held.delete(waiting)) clearTimeout(waiting.timer)
  })
})

feed.onPublish(() => {
  for (const { res, after, timer } of held) {
    clearTimeout(timer)
    sendJson(res, 200, { events: feed.since(after), latest: feed.latest })
  }
  held.clear()
})

serveBench(server, feed)
