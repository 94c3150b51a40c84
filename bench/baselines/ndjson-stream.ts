// Bare streaming-fetch baseline: `node:http`, one never-ending application/x-ndjson response per
// client, each event's line (its JSON and a line break) built once and written to every open
// response. No framework, no keep-alive line, no reset line, no slow-reader bound.
// Speaks `bench/protocol.ts`.
import { createServer, type ServerResponse } from 'node:http'
import { BareFeed, badCursor, parseCursor, sendJson, serveBench } from './bare-feed.ts'

const feed = new BareFeed()
const streams = new Set<ServerResponse>()

const lineOf = (event: object) => `${JSON.stringify(event)}\n`

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/fetch-stream') return sendJson(res, 404, { error: 'not found' })
  const after = parseCursor(url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)

  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no'
  })
  // Send the head now: fetch() resolves on it, and a client with nothing to catch up on would wait for the first event.
  res.flushHeaders()
  for (const event of feed.since(after)) res.write(lineOf(event))
  streams.add(res)
  res.on('error', () => {})
  res.on('close', () => streams.delete(res))
})

feed.onPublish((event) => {
  const line = lineOf(event)
  for (const res of streams) res.write(line)
})

serveBench(server, feed)
