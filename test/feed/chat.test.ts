import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { publishChat } from '../../src/server/feed/chat.ts'
import { Feed } from '../../src/server/feed/feed.ts'
import { limits } from '../../src/shared/feed-event.ts'

const invalid = { code: 'WW_ERR_CHAT_TEXT', statusCode: 400 }

describe('publishChat', () => {
  test('publishes the text, trimmed, as a chat event', async () => {
    const feed = new Feed()
    const event = await publishChat(feed, '  hello class \n')
    assert.deepEqual(event.data, { text: 'hello class' })
    assert.equal(event.kind, 'chat')
    assert.deepEqual(feed.recent(1), [event])
  })

  test(`accepts 1 to ${limits.chatTextMax} characters, counted as a person counts them`, async () => {
    const feed = new Feed()
    assert.equal((await publishChat(feed, 'a')).data.text, 'a')
    assert.equal(
      [...String((await publishChat(feed, 'x'.repeat(limits.chatTextMax))).data.text)].length,
      limits.chatTextMax
    )
    // An emoji is two UTF-16 units but one character: 280 of them still fit.
    const emoji = '🙂'.repeat(limits.chatTextMax)
    assert.equal((await publishChat(feed, emoji)).data.text, emoji)
    assert.equal(feed.latest, 3)
  })

  test('rejects with WW_ERR_CHAT_TEXT, publishing nothing, for empty, blank or too long texts', async () => {
    const feed = new Feed()
    for (const text of ['', '   ', '\n\t', 'x'.repeat(limits.chatTextMax + 1), '🙂'.repeat(limits.chatTextMax + 1)]) {
      await assert.rejects(publishChat(feed, text), invalid, JSON.stringify(text.slice(0, 10)))
    }
    assert.equal(feed.latest, 0)
  })

  test('trims before counting: 280 characters with spaces around them fit', async () => {
    const feed = new Feed()
    const text = `   ${'y'.repeat(limits.chatTextMax)}   `
    assert.equal((await publishChat(feed, text)).data.text, 'y'.repeat(limits.chatTextMax))
  })
})
