import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { WireLiveServerMessage } from '../../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../../clients.ts'
import { publishTicks, range, startServer } from '../../helper.ts'

type Published = Extract<WireLiveServerMessage, { type: 'published' }>

function publishedOf(messages: WireLiveServerMessage[]): Published['events'] {
  return messages.flatMap((message) => (message.type === 'published' ? message.events : []))
}

describe('/wire/live tells a page what the feed published', () => {
  test('every event once, in order, with its server timestamp and nothing else', async (t) => {
    const server = await startServer(t, { feedRate: 0 })
    publishTicks(server.app, 3) // before the page opened: not its news
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, '/wire/live')
    await messages.waitUntil((items) => items.some((item) => item.type === 'report'))
    const sent = publishTicks(server.app, 5)
    await messages.waitUntil((items) => publishedOf(items).length >= 5, 3000)
    sent.push(...publishTicks(server.app, 2))
    const all = await messages.waitUntil((items) => publishedOf(items).length >= 7, 3000)
    assert.deepEqual(
      publishedOf(all).map((event) => event.id),
      range(4, 10)
    )
    assert.deepEqual(
      publishedOf(all),
      sent.map(({ id, at }) => ({ id, at }))
    )
  })
})
