import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { describe, test } from 'node:test'
import { closeCodes } from '../src/shared/websocket-messages.ts'
import { openSse, openWebSocket } from './clients.ts'
import { eventually, publishTicks, startServer } from './helper.ts'
import { RawClient } from './raw-http.ts'

describe('shutdown', () => {
  test('closes within a second with an SSE stream, a held long poll and a WebSocket open', async (t) => {
    const server = await startServer(t)
    const { app, url, port } = server
    publishTicks(app, 1)
    const sse = await openSse(t, `${url}/feed/sse?after=1`)
    const longPoll = await RawClient.connect(port)
    t.after(() => longPoll.close())
    longPoll.send(longPoll.get('/feed/long-polling?after=1&timeout=30000'))
    const socket = await openWebSocket(t, server, '/feed/websocket?after=1')
    await eventually(() => assert.equal(app.feed.subscriberCount, 3))

    const started = performance.now()
    await app.close()
    const took = performance.now() - started
    assert.ok(took < 1000, `close took ${took.toFixed(0)} ms`)

    const answer = await longPoll.readResponse()
    assert.ok(answer.status === 204 || answer.status === 200, `long poll answered ${answer.status}`)
    assert.equal((await socket.closed).code, closeCodes.goingAway)
    await sse.ended
    assert.equal(app.feed.subscriberCount, 0)
  })

  test('idle keep-alive connections do not delay close', async (t) => {
    const { app, port } = await startServer(t)
    const client = await RawClient.connect(port)
    t.after(() => client.close())
    assert.equal((await client.request(client.get('/feed/polling?after=0'))).status, 200)
    const started = performance.now()
    await app.close()
    assert.ok(performance.now() - started < 1000)
    await client.waitForEnd()
  })

  test('a connection that never sent a request does not delay close', async (t) => {
    // Browsers preconnect speculatively (and fetch opens a spare socket after an aborted
    // request): such a socket must not keep Ctrl-C from stopping the server.
    const { app, port } = await startServer(t)
    const idle = await RawClient.connect(port)
    t.after(() => idle.close())
    const started = performance.now()
    const closing = app.close()
    const closedInTime = await Promise.race([
      closing.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false))
    ])
    // Let close finish either way, so the test cleans up after itself.
    await idle.close()
    await closing
    assert.ok(closedInTime, `close still waiting after ${(performance.now() - started).toFixed(0)} ms`)
  })
})
