import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { openSse, openWebSocket } from '../clients.ts'
import { delay, eventually, startServer, type TestServer } from '../helper.ts'

const bound = 256 * 1024
// Big events, so 1,000 of them (8 MB) overflow what the kernel's socket buffers absorb on loopback (~4 MB).
const padding = 'x'.repeat(8 * 1024)

/** A client that sends its request and then never reads a byte. */
async function stalledClient(server: TestServer, request: string): Promise<Socket> {
  const socket = connect(server.port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.pause()
  socket.on('error', () => {})
  socket.write(request)
  return socket
}

/** Server log lines, as parsed JSON. */
function logCollector(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    }
  })
  return { lines, stream }
}

/** Publishes `count` big events at a steady pace and returns the fast clients' latencies (arrival − `at`). */
async function publishAndMeasure(server: TestServer, count: number, arrivals: Map<number, number>): Promise<number[]> {
  const published: FeedEvent[] = []
  for (let i = 0; i < count; i++) {
    published.push(server.app.feed.publish('tick', { value: i, padding }))
    await delay(1)
  }
  const last = published.at(-1)?.id ?? 0
  await eventually(() => assert.ok(arrivals.has(last), `event ${last} not yet received`), { timeoutMs: 10_000 })
  return published.map((event) => (arrivals.get(event.id) ?? Number.POSITIVE_INFINITY) - event.at)
}

function percentile(values: number[], p: number): number {
  const sorted = values.toSorted((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

describe('push clients that stop reading', () => {
  test('a WebSocket and an SSE reader that stall during 1,000 events are dropped at the bound; the others keep their latency', async (t) => {
    const log = logCollector()
    const server = await startServer(t, { sendBufferMaxBytes: bound, logger: { level: 'warn', stream: log.stream } })
    const { app } = server

    // Two readers that keep up, timing every event.
    const wsArrivals = new Map<number, number>()
    const fast = await openWebSocket(t, server, `/feed/websocket?after=${app.feed.latest}`)
    fast.ws.on('message', (data) => {
      const message = JSON.parse(String(data))
      if (message.type === 'event') wsArrivals.set(message.event.id, Date.now())
    })
    const sseArrivals = new Map<number, number>()
    const stream = await openSse(t, `${server.url}/feed/sse?after=${app.feed.latest}`)
    stream.blocks.push = ((push) => (block) => {
      if (block.id) sseArrivals.set(Number(block.id), Date.now())
      push.call(stream.blocks, block)
    })(stream.blocks.push)
    await eventually(() => assert.equal(app.feed.subscriberCount, 2))

    const before = await publishAndMeasure(server, 300, wsArrivals)
    const sseBefore = [...sseArrivals.values()].length

    const stalledWs = await stalledClient(
      server,
      `GET /feed/websocket?after=${app.feed.latest} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${server.origin}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    )
    const stalledSse = await stalledClient(
      server,
      `GET /feed/sse?after=${app.feed.latest} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`
    )
    t.after(() => {
      stalledWs.destroy()
      stalledSse.destroy()
    })
    await eventually(() => assert.equal(app.feed.subscriberCount, 4))

    const during = await publishAndMeasure(server, 1000, wsArrivals)

    // Both stalled clients were cut, and the server never held more than the bound plus one event for them.
    await eventually(() => assert.equal(app.feed.subscriberCount, 2))
    const drops = log.lines.filter((line) => line.msg === 'slow reader dropped')
    assert.deepEqual(drops.map((line) => line.technique).toSorted(), ['sse', 'websocket'])
    for (const drop of drops) assert.ok(Number(drop.buffered) <= bound + 2 * padding.length, `held ${drop.buffered} B`)

    // The readers that kept up got every event, and no slower than before.
    assert.equal(sseArrivals.size, sseBefore + 1000)
    const [p50Before, p99Before, p50During, p99During] = [
      percentile(before, 50),
      percentile(before, 99),
      percentile(during, 50),
      percentile(during, 99)
    ]
    t.diagnostic(
      `fast WebSocket latency p50/p99: ${p50Before}/${p99Before} ms before, ${p50During}/${p99During} ms with two stalled readers`
    )
    assert.ok(p50During <= p50Before + 5, `p50 ${p50Before} → ${p50During} ms`)
    assert.ok(p99During <= Math.max(3 * p99Before, p99Before + 25), `p99 ${p99Before} → ${p99During} ms`)
  })

  test('a catch-up bigger than the bound is not mistaken for a slow reader', async (t) => {
    const server = await startServer(t, { sendBufferMaxBytes: 64 * 1024 })
    // 200 events of 8 KB: 1.6 MB to resume, 25 times the bound (a phone back after a busy game).
    for (let i = 0; i < 200; i++) server.app.feed.publish('tick', { value: i, padding })
    const socket = await openWebSocket(t, server, '/feed/websocket?after=0')
    const stream = await openSse(t, `${server.url}/feed/sse?after=0`)
    await socket.messages.waitFor(200, 10_000)
    await stream.blocks.waitUntil((blocks) => blocks.filter((block) => block.id).length === 200, 10_000, '200 events')
    assert.equal(server.app.feed.subscriberCount, 2, 'neither was dropped')
  })
})
