import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CaptureItem } from '../../../src/shared/capture.ts'
import type { WireLiveServerMessage } from '../../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../../clients.ts'
import { clientId, startServer } from '../../helper.ts'

function capturedOf(messages: WireLiveServerMessage[]): CaptureItem[] {
  return messages.flatMap((message) => (message.type === 'capture' ? message.items : []))
}

describe('/wire/live carries every captured item', () => {
  test('more exchanges in half a second than the store keeps all reach the page, once each, in order', async (t) => {
    const server = await startServer(t, { feedRate: 0 })
    const client = clientId('live-capture')
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${client}`)
    await messages.waitUntil((items) => items.some((item) => item.type === 'report'))
    const polls = 60 // the store keeps 20 exchanges per technique for GET /wire/capture
    // All at once, so they fall within one or two of the channel's half-second ticks.
    await Promise.all(
      Array.from({ length: polls }, async () => {
        const response = await fetch(`${server.url}/feed/polling?client=${client}&after=0`)
        await response.arrayBuffer()
      })
    )
    const all = await messages.waitUntil(
      (items) => capturedOf(items).filter((item) => item.kind === 'response').length >= polls,
      5000
    )
    const items = capturedOf(all)
    assert.equal(items.filter((item) => item.kind === 'request').length, polls)
    assert.equal(items.filter((item) => item.kind === 'response').length, polls)
    const seqs = items.map((item) => item.seq)
    assert.deepEqual(
      seqs,
      [...new Set(seqs)].sort((a, b) => a - b),
      'no item twice, oldest first'
    )
    const kept = (await (await fetch(`${server.url}/wire/capture?client=${client}`)).json()) as { items: CaptureItem[] }
    assert.ok(kept.items.length < items.length, 'the store itself keeps fewer than the page was sent')
  })

  test('a page that opens its live channel late still gets what was kept before it', async (t) => {
    const server = await startServer(t, { feedRate: 0 })
    const client = clientId('late-live')
    await (await fetch(`${server.url}/feed/polling?client=${client}`)).arrayBuffer()
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${client}`)
    const all = await messages.waitUntil((items) => capturedOf(items).some((item) => item.kind === 'response'), 3000)
    assert.deepEqual(
      capturedOf(all).map((item) => item.kind),
      ['request', 'response']
    )
  })
})
