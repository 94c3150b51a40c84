import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  eventJson,
  ndjsonLine,
  pageBody,
  sseBlock,
  websocketFrame,
  websocketMessage
} from '../../src/server/feed/encoded.ts'
import { Feed } from '../../src/server/feed/feed.ts'
import { type DecodedFrame, FrameDecoder } from '../../src/server/wire/capture/websocket-frames.ts'

describe('events encoded once', () => {
  test('each form is the plain JSON of the message, made once and shared', () => {
    const feed = new Feed()
    const event = feed.publish('chat', { text: 'a "quote"\nand a line', name: 'ada' })
    assert.equal(eventJson(event), JSON.stringify(event))
    assert.equal(sseBlock(event).toString(), `id: 1\ndata: ${JSON.stringify(event)}\n\n`)
    assert.deepEqual(JSON.parse(websocketMessage(event).toString()), { type: 'event', event })
    assert.equal(ndjsonLine(event).toString(), `${JSON.stringify(event)}\n`)
    assert.equal(sseBlock(event), sseBlock(event), 'the same buffer every time')
    assert.equal(ndjsonLine(event), ndjsonLine(event))
    assert.equal(websocketMessage(event), websocketMessage(event))
  })

  test('each form is UTF-8 bytes: an emoji or a CJK character is one character and several bytes', () => {
    const feed = new Feed()
    const event = feed.publish('chat', { text: 'bonjour 👋 世界' })
    const json = JSON.stringify(event)
    for (const [form, text] of [
      [ndjsonLine(event), `${json}\n`],
      [sseBlock(event), `id: 1\ndata: ${json}\n\n`]
    ] as const) {
      assert.equal(form.length, Buffer.byteLength(text))
      assert.equal(form.length, text.length + 6, '👋 and 世界: 6 more bytes than UTF-16 units')
      assert.equal(form.toString('utf8'), text)
    }
  })

  test('a WebSocket frame is FIN + text, unmasked, with the length in the form its size needs', () => {
    const feed = new Feed()
    for (const [size, lengthForm, headerBytes] of [
      [10, 7, 2],
      [300, 16, 4],
      [70_000, 64, 10]
    ] as const) {
      const event = feed.publish('chat', { text: 'x'.repeat(size) })
      const frames: DecodedFrame[] = []
      new FrameDecoder((frame) => frames.push(frame)).push(websocketFrame(event), 0)
      const [frame] = frames
      assert.equal(frames.length, 1)
      assert.deepEqual(
        [frame?.fin, frame?.opcodeName, frame?.masked, frame?.lengthForm, frame?.headerBytes, frame?.rsv1],
        [true, 'text', false, lengthForm, headerBytes, false]
      )
      assert.equal(frame?.payloadLength, websocketMessage(event).length)
      assert.deepEqual(websocketFrame(event).subarray(headerBytes), websocketMessage(event))
    }
  })

  test('a pull answer is the JSON of feed.page(cursor), for every kind of cursor, and follows publishes', () => {
    const feed = new Feed({ capacity: 5 })
    for (let i = 0; i < 8; i++) feed.publish('tick', { value: i })
    for (const cursor of [undefined, 0, 2, 3, 5, 8, 9]) {
      const page = pageBody(feed, cursor)
      assert.deepEqual(JSON.parse(page.body.toString()), feed.page(cursor), `cursor ${cursor}`)
      assert.equal(page.events, feed.page(cursor).events.length)
    }
    const before = pageBody(feed, 8)
    assert.equal(pageBody(feed, 8), before, 'cached until the next publish')
    feed.publish('tick', { value: 9 })
    assert.deepEqual(JSON.parse(pageBody(feed, 8).body.toString()), feed.page(8))
  })
})
