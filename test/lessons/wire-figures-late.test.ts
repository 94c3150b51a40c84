import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventJson, sseBlock, websocketFrame, websocketMessage } from '../../src/server/feed/encoded.ts'
import { figureSvg } from '../../src/server/lessons/figures/index.ts'
import { readLessons } from '../../src/server/lessons/lesson-files.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'
import { handshakeRequest, RawWebSocket } from '../security/raw-websocket.ts'

/** Event 42 as lessons 2, 5 and 7 print it. */
const event42: FeedEvent = { id: 42, at: 1718000000123, kind: 'tick', data: { value: 101.5 } }

const lesson = (slug: string) => {
  const found = readLessons().find((each) => each.slug === slug)
  assert.ok(found, slug)
  // One line per paragraph, so a phrase is found wherever the Markdown broke its line.
  return found.markdown.replaceAll(/\n(?!\n)/g, ' ')
}

/** Publishes `value` events until the feed's newest id is 41, so that the next one is event 42. */
function feedUpTo41(feed: { latest: number; publish(kind: 'tick', data: { value: number }): unknown }): void {
  while (feed.latest < 41) feed.publish('tick', { value: 100 })
}

describe('the bytes lessons 7 and 8 quote are the ones this server writes', () => {
  test('lesson 7’s example frame is the encoder’s frame of event 42: 81 5a, 90 bytes of message, 92 in all', () => {
    const frame = websocketFrame(event42)
    const start = frame.subarray(0, 2).toString('hex')
    assert.equal(start, '815a')
    assert.equal(websocketMessage(event42).length, 0x5a)
    assert.equal(eventJson(event42).length, 65)
    const text = lesson('websocket')
    assert.ok(text.includes(`\`${eventJson(event42)}\` (65 bytes of JSON)`), 'the event, as the encoder writes it')
    assert.ok(text.includes('bytes `81 5a`') && text.includes('a length of 90'), 'its first two bytes')
    assert.ok(text.includes(`The whole frame is ${frame.length} bytes`))
    assert.ok(text.includes('a text message of 90 bytes (event 42 above)'), 'the quiz asks about the same message')
    assert.match(figureSvg('websocket-upgrade'), /text frame: event 42, 81 5a …, 92 bytes/)
  })

  test('lesson 8’s overheads per event are measured on the socket: SSE 21 bytes, WebSocket 27', async (t) => {
    const server = await startServer(t)
    feedUpTo41(server.app.feed)

    const sse = await RawClient.connect(server.port)
    t.after(() => sse.close())
    sse.send(sse.get('/feed/sse?after=41'))
    await sse.waitForText((text) => text.includes('retry:'))
    const headAndPrefix = sse.bytesRead
    const socket = await RawWebSocket.open(t, server, '/feed/websocket?after=41')

    const event = server.app.feed.publish('tick', { value: 101.5 })
    assert.equal(event.id, 42)
    assert.equal(eventJson(event).length, 65)
    await sse.waitForText((text) => text.includes('id: 42'))
    const [frame] = await socket.frames.waitUntil((frames) => frames.length >= 1, 2000, 'event 42')

    const sseBytes = sse.bytesRead - headAndPrefix
    assert.equal(sseBytes - sseBlock(event).length, 6, 'chunked framing: "50\\r\\n" before the block, "\\r\\n" after')
    const sseOverhead = sseBytes - eventJson(event).length
    // The raw client reads the payload without the 2-byte header it arrived with (90 < 126: no extended length).
    const websocketOverhead = 2 + (frame?.payload.length ?? 0) - eventJson(event).length
    assert.equal(sseOverhead, 21)
    assert.equal(websocketOverhead, 27)

    const text = lesson('choosing')
    assert.ok(text.includes(`SSE adds **${sseOverhead} bytes**`), `lesson 8 quotes SSE's ${sseOverhead}`)
    assert.ok(text.includes(`${websocketOverhead} bytes in all`), `lesson 8 quotes WebSocket's ${websocketOverhead}`)
  })

  test('lesson 7’s 101 is the size of this server’s answer to an Upgrade: 129 bytes', async (t) => {
    const server = await startServer(t)
    const client = await RawClient.connect(server.port)
    t.after(() => client.close())
    client.send(handshakeRequest(server))
    const head = await client.waitForText((text) => text.includes('\r\n\r\n'))
    const bytes = Buffer.byteLength(head.slice(0, head.indexOf('\r\n\r\n') + 4))
    assert.match(head, /^HTTP\/1\.1 101 /)
    assert.equal(bytes, 129)
    assert.ok(lesson('websocket').includes(`the \`101\` (${bytes})`))
  })
})
