import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FeedPage } from '../../src/shared/feed-event.ts'
import { eventIds, openSse, openWebSocket } from '../clients.ts'
import { errorBody, eventually, publishTicks, range, startServer } from '../helper.ts'

describe('websocket', () => {
  test('sends the last 10 events without a cursor, then each new one as {"type":"event","event"}', async (t) => {
    const server = await startServer(t)
    publishTicks(server.app, 12)
    const { ws, messages } = await openWebSocket(t, server)
    await messages.waitFor(10)
    const live = server.app.feed.publish('chat', { text: 'live' })
    const all = await messages.waitFor(11)
    assert.deepEqual(eventIds(all), range(3, 13))
    assert.deepEqual(all.at(-1), { type: 'event', event: live })
    ws.close()
  })

  test('replays the events after ?after=, then goes live, without a gap or a duplicate', async (t) => {
    const server = await startServer(t)
    publishTicks(server.app, 5)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=2')
    await messages.waitFor(3)
    publishTicks(server.app, 2)
    await messages.waitFor(5)
    assert.deepEqual(eventIds(messages.items), range(3, 7))
    assert.equal(messages.items.length, 5)
    ws.close()
  })

  test('sends {"type":"reset"} first, then the kept events, for a cursor older than the kept history', async (t) => {
    const server = await startServer(t, { feedCapacity: 5 })
    publishTicks(server.app, 9)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=1')
    const all = await messages.waitFor(6)
    assert.deepEqual(all[0], { type: 'reset' })
    assert.deepEqual(eventIds(all), range(5, 9))
    ws.close()
  })

  test('sends {"type":"reset"} for a cursor ahead of the feed', async (t) => {
    const server = await startServer(t)
    publishTicks(server.app, 2)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=50')
    const all = await messages.waitFor(3)
    assert.deepEqual(all[0], { type: 'reset' })
    assert.deepEqual(eventIds(all), [1, 2])
    ws.close()
  })

  test('answers a ping with a pong carrying the same t', async (t) => {
    const server = await startServer(t)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=0')
    ws.send(JSON.stringify({ type: 'ping', t: 1234.5 }))
    ws.send(JSON.stringify({ type: 'ping', t: 0 }))
    assert.deepEqual(await messages.waitFor(2), [
      { type: 'pong', t: 1234.5 },
      { type: 'pong', t: 0 }
    ])
    ws.close()
  })

  test('publishes a chat message to the feed, where SSE and ajax clients see it too', async (t) => {
    const server = await startServer(t)
    const sse = await openSse(t, `${server.url}/feed/sse?after=0`)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=0')
    ws.send(JSON.stringify({ type: 'chat', text: '  hello from the socket ' }))

    const [echo] = await messages.waitFor(1)
    assert.equal(echo?.type, 'event')
    const event = echo?.type === 'event' ? echo.event : undefined
    assert.equal(event?.kind, 'chat')
    assert.deepEqual(event?.data, { text: 'hello from the socket' })

    const blocks = await sse.blocks.waitUntil((items) => items.some((block) => block.data !== undefined))
    assert.deepEqual(JSON.parse(blocks.find((block) => block.data)?.data ?? ''), event)

    const page = (await (await fetch(`${server.url}/feed/ajax?after=0`)).json()) as FeedPage
    assert.deepEqual(page.events, [event])
    ws.close()
    sse.close()
  })

  test('unsubscribes from the feed when the socket closes', async (t) => {
    const server = await startServer(t)
    const { ws, closed } = await openWebSocket(t, server)
    assert.equal(server.app.feed.subscriberCount, 1)
    ws.close()
    await closed
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 0))
  })

  test('resumes after a dropped connection without a gap or a duplicate', async (t) => {
    const server = await startServer(t)
    const seen: number[] = []
    let cursor = 0
    for (let connection = 0; connection < 3; connection++) {
      const { ws, messages, closed } = await openWebSocket(t, server, `/feed/websocket?after=${cursor}`)
      publishTicks(server.app, 2)
      // Two events live, plus whatever was published while the client was away.
      const expected = server.app.feed.latest - cursor
      await messages.waitFor(expected)
      seen.push(...eventIds(messages.items))
      cursor = seen.at(-1) ?? 0
      ws.terminate()
      await closed
      publishTicks(server.app, 3)
    }
    const { ws, messages } = await openWebSocket(t, server, `/feed/websocket?after=${cursor}`)
    seen.push(...eventIds(await messages.waitFor(3)))
    assert.deepEqual(seen, range(1, 15))
    ws.close()
  })

  test('a plain GET without Upgrade is told to upgrade: 426 with a JSON reason', async (t) => {
    // errors.ts declares WW_ERR_NOT_WEBSOCKET (426) for this, but nothing throws it:
    // @fastify/websocket answers an empty 404, unlike every other error of the API.
    const server = await startServer(t)
    const response = await fetch(`${server.url}/feed/websocket`, { headers: { origin: server.origin } })
    assert.equal(response.status, 426)
    assert.equal((await errorBody(response)).code, 'WW_ERR_NOT_WEBSOCKET')
  })
})
