// Bare Server-Sent Events baseline: `node:http`, one never-ending text/event-stream response per
// client, each event's block built once and written to every open response. No framework, no
// heartbeat, no `retry:`, no slow-reader bound. Speaks `bench/protocol.ts`.
import { createServer, type ServerResponse } from 'node:http'
import { BareFeed, badCursor, parseCursor, sendJson, serveBench } from './bare-feed.ts'

const feed = new BareFeed()
const streams = new Set<ServerResponse>()

const blockOf = (event: { id: number }) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/sse') return sendJson(res, 404, { error: 'not found' })
  // A reconnecting EventSource sends the last id it saw; it wins over the query.
  const lastEventId = req.headers['last-event-id']
  const after = parseCursor(typeof lastEventId === 'string' ? lastEventId : url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive'
  })
  // Send the head now: a client with nothing to catch up on would otherwise wait for the first event to see it.
  res.flushHeaders()
  for (const event of feed.since(after)) res.write(blockOf(event))
  streams.add(res)
  res.on('error', () => {})
  res.on('close', () => streams.delete(res))
})

feed.onPublish((event) => {
  const block = blockOf(event)
  for (const res of streams) res.write(block)
})

serveBench(server, feed)
