// Bare forever-frame baseline: `node:http`, one never-ending text/html response per client with a
// nonce of its own and the Content-Security-Policy that runs only its scripts; each event is one
// `<script nonce=…>parent.postMessage(<event JSON>, location.origin)</script>` line, the JSON made
// once per event and wrapped per response (the nonce differs), and a heartbeat script every 5 s
// (the page reloads a frame that falls silent, so the wire needs it). No framework, no reset
// script, no escaping of `<` (the bare feed's events carry no text), no slow-reader bound.
// Speaks `bench/protocol.ts`.
import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { BareFeed, badCursor, parseCursor, sendJson, serveBench } from './bare-feed.ts'

const heartbeatMs = 5_000

const feed = new BareFeed()
/** Each open frame, with the script wrapper of its nonce. */
const frames = new Map<ServerResponse, (json: string) => string>()

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (req.method !== 'GET' || url.pathname !== '/feed/iframe-stream') return sendJson(res, 404, { error: 'not found' })
  const after = parseCursor(url.searchParams.get('after'))
  if (after === 'invalid') return sendJson(res, 400, badCursor)

  const nonce = randomBytes(16).toString('base64')
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'self'`
  })
  res.write('<!doctype html><meta charset="utf-8"><title>wirewatch: a forever frame</title>\n')
  const script = (json: string) => `<script nonce="${nonce}">parent.postMessage(${json}, location.origin)</script>\n`
  for (const event of feed.since(after)) res.write(script(JSON.stringify(event)))
  frames.set(res, script)
  res.on('error', () => {})
  res.on('close', () => frames.delete(res))
})

feed.onPublish((event) => {
  const json = JSON.stringify(event)
  for (const [res, script] of frames) res.write(script(json))
})

// One timer for every frame: the same bytes on each wire as a timer per frame, and less for the server.
setInterval(() => {
  for (const [res, script] of frames) res.write(script('{"alive":true}'))
}, heartbeatMs).unref()

serveBench(server, feed)
