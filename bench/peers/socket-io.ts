// Socket.IO 4.8, as people set it up instead of writing their own: a plain `node:http` server with a
// `Server` attached, broadcasting each event with `io.emit`. Its own defaults otherwise: both transports
// (WebSocket and HTTP long-polling), Engine.IO pings every 25 s (20 s to answer), no connection state
// recovery. Only what would blur the comparison is off: compression (our servers compress nothing) and
// serving the client bundle. Publishes with the same feed and plumbing as the bare baselines.
// Speaks `bench/protocol.ts`'s IPC, but its own wire: Engine.IO v4 under `/socket.io/`
// (`bench/engine-io-clients.ts` reads it).
import { createServer } from 'node:http'
import { Server } from 'socket.io'
import { BareFeed, sendJson, serveBench } from '../baselines/bare-feed.ts'

const feed = new BareFeed()

// Socket.IO answers `/socket.io/` itself and hands every other request to this handler.
const server = createServer((_req, res) => sendJson(res, 404, { error: 'not found' }))
const io = new Server(server, { serveClient: false, perMessageDeflate: false, httpCompression: false })

// No catch-up: Socket.IO has no cursor, so a client gets what is published after it connects. The bench opens
// every client before it starts publishing and counts from `fromId` on, so nothing it counts is missed for that.
feed.onPublish((event) => io.emit('event', event))

serveBench(server, feed)
