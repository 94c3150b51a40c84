import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { allTechniques } from '../../src/shared/techniques.ts'
import { lateReader } from '../clients.ts'
import { delay, eventually, startServer } from '../helper.ts'

// What every technique answered by a response that never ends gets from src/server/techniques/streamed-response.ts.
describe('a streamed response', () => {
  for (const { name } of allTechniques.filter((technique) => technique.streamed)) {
    test(`${name}: counts a catch-up in bytes, so a reader still taking a burst of multi-byte text is not cut as slow`, async (t) => {
      const server = await startServer(t, { sendBufferMaxBytes: 64 * 1024 })
      const { app } = server
      // 37.5 MB of UTF-8 to resume, 12.5 MB in UTF-16 units: the whole burst waits unsent when the next
      // event comes, so counted in units it would be three times over its own bound.
      const text = '界'.repeat(50_000)
      for (let i = 0; i < 250; i++) app.feed.publish('chat', { text })
      const reader = await lateReader(t, server, `/feed/${name}?after=0`)
      await eventually(() => assert.equal(app.feed.subscriberCount, 1))
      app.feed.publish('chat', { text: 'bonjour 👋' })
      await delay(200)
      assert.equal(app.feed.subscriberCount, 1, 'the reader was not cut')
      await reader.readUntil('"id":251,')
    })
  }
})
