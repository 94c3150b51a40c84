import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SustainedDelay } from '../src/server/overload.ts'
import { openSse, openWebSocket } from './clients.ts'
import { delay, errorBody, eventually, startServer } from './helper.ts'
import { RawClient } from './raw-http.ts'

/**
 * Blocks the event loop for `ms` in slices of `sliceMs`, as a runaway computation or a swapping machine
 * would. Slices, not one block: Node's delay histogram can miss a single long block that ends just as
 * its sample is reset (seen on Node 24 about one run in two), never a run of them.
 */
async function stall(ms: number, sliceMs = 250): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const sliceEnd = Math.min(until, Date.now() + sliceMs)
    while (Date.now() < sliceEnd) {}
    await delay(1)
  }
}

describe('overload', () => {
  test('only a delay that lasts two samples is overload: one stall that is over is not', () => {
    const judge = new SustainedDelay(1000)
    assert.equal(judge.sample(5), false)
    assert.equal(judge.sample(Number.POSITIVE_INFINITY), false, 'one sample blocked throughout, then the loop ran')
    assert.equal(judge.sample(8), false)
    assert.equal(judge.sample(1500), false)
    assert.equal(judge.sample(1200), true, 'two samples in a row over the limit')
    assert.equal(judge.sample(Number.POSITIVE_INFINITY), true)
    assert.equal(judge.sample(12), false, 'the first quiet sample ends it')
  })

  test('a stalled event loop answers new requests 503 with Retry-After while open streams carry on', async (t) => {
    // The mean delay over a 1 s sample: 250 ms blocks, about four a second, lift it far past 20 ms.
    const server = await startServer(t, { maxEventLoopDelayMs: 20 })
    const { app, url, port } = server
    const stream = await openSse(t, `${url}/feed/sse?after=0`)
    const socket = await openWebSocket(t, server, '/feed/websocket?after=0')
    await delay(2_100) // the start's own stall is not judged
    assert.equal((await fetch(`${url}/feed/polling?after=0`)).status, 200)

    await stall(3_000)
    // Once two samples of the delay (1 s each) are over the limit, new requests are refused with the reason
    // and when to retry.
    const refused = await eventually(
      async () => {
        const response = await fetch(`${url}/feed/polling?after=0`)
        assert.equal(response.status, 503)
        return response
      },
      { timeoutMs: 3_000, everyMs: 20 }
    )
    assert.equal(refused.headers.get('retry-after'), '5')
    assert.equal((await errorBody(refused)).code, 'WW_ERR_OVERLOADED')
    // A WebSocket handshake is refused the same way, and its socket is closed, not left hanging.
    const handshake = await RawClient.connect(port)
    t.after(() => handshake.close())
    const answer = await handshake.request(
      handshake.get('/feed/websocket?after=0', {
        Origin: server.origin,
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version': '13'
      })
    )
    assert.equal(answer.status, 503)
    await handshake.waitForEnd()

    // The streams opened before the stall still deliver.
    const event = app.feed.publish('tick', { value: 1 })
    await eventually(() =>
      assert.ok(
        stream.blocks.items.some((block) => block.id === String(event.id)),
        'the stream still delivers'
      )
    )
    await socket.messages.waitUntil((messages) => messages.some((m) => m.type === 'event' && m.event.id === event.id))

    // And once the loop is quiet again, so are new requests.
    await eventually(async () => assert.equal((await fetch(`${url}/feed/polling?after=0`)).status, 200), {
      timeoutMs: 5_000,
      everyMs: 200
    })
  })
})
