import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventJson, pageJson, sseBlock, websocketMessage } from '../../src/server/feed/encoded.ts'
import { Feed } from '../../src/server/feed/feed.ts'

describe('events encoded once', () => {
  test('each form is the plain JSON of the message, made once and shared', () => {
    const feed = new Feed()
    const event = feed.publish('chat', { text: 'a "quote"\nand a line', name: 'ada' })
    assert.equal(eventJson(event), JSON.stringify(event))
    assert.equal(sseBlock(event).toString(), `id: 1\ndata: ${JSON.stringify(event)}\n\n`)
    assert.deepEqual(JSON.parse(websocketMessage(event).toString()), { type: 'event', event })
    assert.equal(sseBlock(event), sseBlock(event), 'the same buffer every time')
    assert.equal(websocketMessage(event), websocketMessage(event))
  })

  test('a pull answer is the JSON of feed.page(cursor), for every kind of cursor, and follows publishes', () => {
    const feed = new Feed({ capacity: 5 })
    for (let i = 0; i < 8; i++) feed.publish('tick', { value: i })
    for (const cursor of [undefined, 0, 2, 3, 5, 8, 9]) {
      const page = pageJson(feed, cursor)
      assert.deepEqual(JSON.parse(page.json), feed.page(cursor), `cursor ${cursor}`)
      assert.equal(page.events, feed.page(cursor).events.length)
    }
    const before = pageJson(feed, 8)
    assert.equal(pageJson(feed, 8), before, 'cached until the next publish')
    feed.publish('tick', { value: 9 })
    assert.deepEqual(JSON.parse(pageJson(feed, 8).json), feed.page(8))
  })
})
