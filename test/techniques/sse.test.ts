import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { describe, test } from 'node:test'
import { EventSource } from 'eventsource'
import { sseDefaults } from '../../src/server/techniques/sse.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { blockIds, openSse } from '../clients.ts'
import { eventually, Inbox, publishTicks, range, startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'

describe('sse', () => {
  test('answers text/event-stream that starts with retry:, then one id: and data: block per event', async (t) => {
    const { app, url } = await startServer(t, { retryMs: 1234 })
    const events = publishTicks(app, 2)
    const stream = await openSse(t, `${url}/feed/sse?after=0`)
    assert.equal(stream.status, 200)
    assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8')
    assert.equal(stream.headers['cache-control'], 'no-cache, no-transform')

    await stream.blocks.waitFor(3)
    const live = app.feed.publish('chat', { text: 'line one' })
    await stream.blocks.waitFor(4)
    const expected = [...events, live].map((event) => `id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`)
    assert.equal(stream.text(), `retry: 1234\n\n${expected.join('')}`)
    stream.close()
  })

  test('is read by EventSource: each event with its id as lastEventId', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 12)
    const es = new EventSource(`${url}/feed/sse`)
    t.after(() => es.close())
    const received = new Inbox<{ lastEventId: string; event: FeedEvent }>()
    es.onmessage = (message) => received.push({ lastEventId: message.lastEventId, event: JSON.parse(message.data) })
    await received.waitFor(10)
    app.feed.publish('tick', { value: 13 })
    const all = await received.waitFor(11)
    // No cursor: the last 10 events, then live ones.
    assert.deepEqual(
      all.map((item) => item.event.id),
      range(3, 13)
    )
    for (const item of all) assert.equal(item.lastEventId, String(item.event.id))
    assert.deepEqual(all.at(-1)?.event, app.feed.recent(1)[0])
    es.close()
  })

  test('resumes from the Last-Event-ID header without a gap or a duplicate', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 6)
    const stream = await openSse(t, `${url}/feed/sse`, { 'last-event-id': '4' })
    await stream.blocks.waitUntil((blocks) => blockIds(blocks).length >= 2)
    publishTicks(app, 1)
    await stream.blocks.waitUntil((blocks) => blockIds(blocks).length >= 3)
    assert.deepEqual(blockIds(stream.blocks.items), [5, 6, 7])
    stream.close()
  })

  test('resumes from ?after= too, and Last-Event-ID wins when both are sent', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 6)
    const byQuery = await openSse(t, `${url}/feed/sse?after=3`)
    const both = await openSse(t, `${url}/feed/sse?after=1`, { 'last-event-id': '5' })
    await byQuery.blocks.waitUntil((blocks) => blockIds(blocks).length >= 3)
    await both.blocks.waitUntil((blocks) => blockIds(blocks).length >= 1)
    assert.deepEqual(blockIds(byQuery.blocks.items), [4, 5, 6])
    assert.deepEqual(blockIds(both.blocks.items), [6])
    byQuery.close()
    both.close()
  })

  test('sends event: reset, then the kept events, for a cursor older than the kept history', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 9)
    const stream = await openSse(t, `${url}/feed/sse?after=1`)
    const blocks = await stream.blocks.waitFor(7)
    assert.ok(blocks[0]?.retry)
    assert.equal(blocks[1]?.event, 'reset')
    assert.deepEqual(JSON.parse(blocks[1]?.data ?? ''), { latest: 9 })
    assert.deepEqual(blockIds(blocks), range(5, 9))
    stream.close()
  })

  test('EventSource hears the reset as an event named "reset"', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 9)
    const es = new EventSource(`${url}/feed/sse?after=2`)
    t.after(() => es.close())
    const resets = new Inbox<string>()
    es.addEventListener('reset', (message) => resets.push(message.data))
    assert.deepEqual(await resets.waitFor(1), ['{"latest":9}'])
    es.close()
  })

  test('sends a heartbeat comment while nothing happens', async (t) => {
    const { url } = await startServer(t, { heartbeatMs: 20 })
    const stream = await openSse(t, `${url}/feed/sse`)
    const blocks = await stream.blocks.waitFor(3)
    assert.deepEqual(blocks[1]?.comments, ['heartbeat'])
    assert.deepEqual(blocks[2]?.comments, ['heartbeat'])
    assert.match(stream.text(), /^retry: \d+\n\n: heartbeat\n\n: heartbeat\n\n/)
    stream.close()
  })

  test('is never compressed, even when the client accepts gzip', async (t) => {
    const { app, port } = await startServer(t)
    publishTicks(app, 1)
    const client = await RawClient.connect(port)
    t.after(() => client.close())
    client.send(client.get('/feed/sse?after=0', { 'Accept-Encoding': 'gzip, deflate, br' }))
    const text = await client.waitForText((received) => received.includes('data: '))
    assert.ok(!/content-encoding/i.test(text), 'no Content-Encoding header')
    assert.match(text, /Transfer-Encoding: chunked/i)
    assert.ok(text.includes('id: 1\ndata: {"id":1,'), 'the event is plain text on the wire')
    await client.close()
  })

  test('unsubscribes from the feed when the client goes away', async (t) => {
    const { app, url } = await startServer(t)
    const stream = await openSse(t, `${url}/feed/sse`)
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    stream.close()
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  })

  test('answers a HEAD request at once, without subscribing to the feed', async (t) => {
    // Fastify adds HEAD to every GET route; Node drops body writes for HEAD and so never
    // sends the stream's headers: the request hangs, subscribed, until the client gives up.
    const { app, port } = await startServer(t)
    const answer = await new Promise<number | string>((resolve) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/feed/sse', method: 'HEAD', agent: false })
      request.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', () => {})
      request.setTimeout(1000, () => {
        resolve(`no answer after 1000 ms, ${app.feed.subscriberCount} feed subscriber(s)`)
        request.destroy()
      })
      request.end()
      t.after(() => request.destroy())
    })
    assert.equal(typeof answer, 'number', String(answer))
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  })

  test('EventSource resumes after a dropped connection without a gap or a duplicate', async (t) => {
    const { app, url } = await startServer(t, { retryMs: 50 })
    const requests: IncomingMessage[] = []
    app.server.on('request', (request: IncomingMessage) => {
      if (request.url?.startsWith('/feed/sse')) requests.push(request)
    })
    const es = new EventSource(`${url}/feed/sse?after=0`)
    t.after(() => es.close())
    const ids = new Inbox<number>()
    es.onmessage = (message) => ids.push(Number(message.lastEventId))

    publishTicks(app, 3)
    await ids.waitFor(3)
    // Cut the connection under the stream, then publish while the client is away.
    requests[0]?.socket.destroy()
    publishTicks(app, 4)
    await ids.waitFor(7)
    publishTicks(app, 2)
    await ids.waitFor(9)

    assert.deepEqual(ids.items, range(1, 9))
    assert.equal(requests.length, 2, 'one reconnection')
    assert.equal(String(requests[1]?.headers['last-event-id']), '3')
    es.close()
  })

  test('chat text that looks like SSE framing stays inside one data line: EventSource sees exactly what was sent', async (t) => {
    const { url } = await startServer(t)
    const hostile = [
      'one\rtwo',
      'one\ntwo',
      'a\r\n\r\nid: 999\r\n\r\nb',
      'x\n\nevent: reset\ndata: {"latest":0}\n\ny',
      'nul\u0000inside',
      ': not a comment\n\nretry: 1',
      'data: fake\n\n'
    ]
    const es = new EventSource(`${url}/feed/sse?after=0`)
    t.after(() => es.close())
    const received = new Inbox<{ lastEventId: string; event: FeedEvent }>()
    es.onmessage = (message) => received.push({ lastEventId: message.lastEventId, event: JSON.parse(message.data) })
    const resets = new Inbox<string>()
    es.addEventListener('reset', (message) => resets.push(message.data))
    await new Promise((resolve) => es.addEventListener('open', resolve))

    for (const [i, text] of hostile.entries()) {
      const response = await fetch(`${url}/feed/messages?client=framing`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text, name: i === 0 ? 'id: 7\n\nevent: reset' : undefined })
      })
      assert.equal(response.status, 201)
    }
    const all = await received.waitFor(hostile.length)
    await new Promise((resolve) => setTimeout(resolve, 100)) // room for anything injected to show up
    assert.equal(received.items.length, hostile.length, 'no extra event was injected')
    assert.deepEqual(resets.items, [], 'no injected reset')
    assert.deepEqual(
      all.map((item) => item.event.data.text),
      hostile.map((text) => text.trim())
    )
    assert.equal(all[0]?.event.data.name, 'id: 7\n\nevent: reset')
    assert.deepEqual(
      all.map((item) => item.lastEventId),
      range(1, hostile.length).map(String),
      'ids as sent'
    )
  })

  test('heartbeats every 15 s unless told otherwise, below the 60 s at which proxies commonly cut an idle response', () => {
    assert.equal(sseDefaults.heartbeatMs, 15_000)
  })

  // The default end to end: 15 s of waiting, so only on request (the value is checked above, the beat with a short interval).
  test('sends its first heartbeat within 15 s with the default settings', {
    timeout: 20_000,
    skip: process.env.WIREWATCH_SLOW_TESTS ? false : 'waits 15 s: WIREWATCH_SLOW_TESTS=1 runs it'
  }, async (t) => {
    const { url } = await startServer(t)
    const started = Date.now()
    const stream = await openSse(t, `${url}/feed/sse`)
    await stream.blocks.waitUntil((blocks) => blocks.some((block) => block.comments.includes('heartbeat')), 16_000)
    const waited = Date.now() - started
    assert.ok(waited <= 15_500, `first heartbeat after ${waited} ms`)
    stream.close()
  })
})
