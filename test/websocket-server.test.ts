import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import { openWebSocket } from './clients.ts'
import { eventually, startServer } from './helper.ts'

describe('WebSocket server', () => {
  test('pings every peer and cuts one that stops answering within interval + timeout', async (t) => {
    const server = await startServer(t, { websocketPingIntervalMs: 200, websocketPongTimeoutMs: 300 })
    // ws answers pings by itself unless told not to: one peer answers, the other plays dead.
    const alive = await openWebSocket(t, server, '/feed/websocket?after=0')
    const silent = new WebSocket(`ws://127.0.0.1:${server.port}/feed/websocket?after=0`, {
      headers: { origin: server.origin },
      autoPong: false
    })
    t.after(() => silent.terminate())
    let pings = 0
    silent.on('ping', () => pings++)
    await new Promise((resolve) => silent.once('open', resolve))
    const opened = performance.now()
    const code = await new Promise<number>((resolve) => silent.once('close', resolve))
    const lived = performance.now() - opened

    assert.equal(code, 1006, 'cut without a close frame: the peer is presumed gone')
    assert.ok(pings >= 1, 'it was pinged first')
    assert.ok(lived >= 450 && lived <= 200 + 300 + 400, `cut after ${lived.toFixed(0)} ms`)
    // The peer that answers is still there, and the dead one no longer holds a feed subscription.
    assert.equal(alive.ws.readyState, WebSocket.OPEN)
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 1))
  })
})
