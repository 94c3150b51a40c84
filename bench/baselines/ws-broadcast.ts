// Bare WebSocket baseline: the `ws` package on a plain `node:http` server, broadcasting the way
// the ws README does (stringify once, `send` to every open client). No framework, no origin
// check, no per-message deflate, no slow-reader bound. Speaks `bench/protocol.ts`.
import { createServer } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { BareFeed, badCursor, parseCursor, serveBench } from './bare-feed.ts'

const feed = new BareFeed()
// Clients send nothing, so any message beyond a few bytes is a mistake.
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 })

const server = createServer((_req, res) => {
  res.writeHead(404, { 'content-type': 'application/json' })
  res.end('{"error":"not found"}')
})

/** Answers a refused upgrade with a plain HTTP response, then hangs up. */
function refuse(socket: Duplex, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body)
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  )
}

const onSocketError = () => {}

server.on('upgrade', (req, socket, head) => {
  socket.on('error', onSocketError)
  const url = new URL(req.url ?? '/', 'http://localhost')
  if (url.pathname !== '/feed/websocket') return refuse(socket, 404, 'Not Found', { error: 'not found' })
  const after = parseCursor(url.searchParams.get('after'))
  if (after === 'invalid') return refuse(socket, 400, 'Bad Request', badCursor)

  wss.handleUpgrade(req, socket, head, (client) => {
    socket.off('error', onSocketError)
    // ws closes the connection itself on a protocol error; without a listener the error would be thrown.
    client.on('error', () => {})
    // Catch-up first; publishes run in a timer callback, so none can slip in between.
    for (const event of feed.since(after)) client.send(JSON.stringify({ type: 'event', event }))
    wss.emit('connection', client, req)
  })
})

feed.onPublish((event) => {
  const text = JSON.stringify({ type: 'event', event })
  for (const client of wss.clients) {
    if (client.readyState === WebSocket.OPEN) client.send(text)
  }
})

serveBench(server, feed)
