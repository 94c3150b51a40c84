import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { describe, test } from 'node:test'
import { type FeedPage, limits } from '../../src/shared/feed-event.ts'
import { delay, eventually, publishTicks, range, startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'

const ids = (page: FeedPage) => page.events.map((event) => event.id)

/** Starts a long poll and tells when it was answered. */
function longPoll(url: string) {
  const poll = {
    answeredAt: undefined as number | undefined,
    response: fetch(url).then((response) => {
      poll.answeredAt = performance.now()
      return response
    })
  }
  return poll
}

describe('long-polling', () => {
  test('answers at once when there is news', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 4)
    const started = performance.now()
    const response = await fetch(`${url}/feed/long-polling?after=1&timeout=5000`)
    assert.equal(response.status, 200)
    assert.deepEqual(ids((await response.json()) as FeedPage), [2, 3, 4])
    assert.ok(performance.now() - started < 1000)
  })

  test('answers at once, like a poll, without a cursor', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 2)
    const response = await fetch(`${url}/feed/long-polling?timeout=5000`)
    assert.deepEqual(await response.json(), { events: app.feed.recent(2), latest: 2 })
  })

  test('holds the request while nothing is new, and answers within 50 ms of a publish', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 3)
    const poll = longPoll(`${url}/feed/long-polling?after=3&timeout=5000`)
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    await delay(100)
    assert.equal(poll.answeredAt, undefined, 'still held after 100 ms')

    const publishedAt = performance.now()
    const event = app.feed.publish('chat', { text: 'news' })
    const response = await poll.response
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { events: [event], latest: 4 })
    const latency = (poll.answeredAt ?? Number.POSITIVE_INFINITY) - publishedAt
    assert.ok(latency < 50, `answered ${latency.toFixed(1)} ms after the publish`)
    assert.equal(app.feed.subscriberCount, 0, 'the answered poll unsubscribed')
  })

  test('answers 204 No Content when the timeout passes with no event', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 1)
    const started = performance.now()
    const response = await fetch(`${url}/feed/long-polling?after=1&timeout=150`)
    const waited = performance.now() - started
    assert.equal(response.status, 204)
    assert.equal(await response.text(), '')
    assert.ok(waited >= 140 && waited < 1000, `waited ${waited.toFixed(0)} ms`)
    assert.equal(app.feed.subscriberCount, 0)
  })

  test('timeout=0 on an up-to-date cursor answers 204 at once', async (t) => {
    const { url } = await startServer(t)
    const response = await fetch(`${url}/feed/long-polling?after=0&timeout=0`)
    assert.equal(response.status, 204)
  })

  test(`refuses a timeout over ${limits.longPollMaxMs} ms (below proxies' 60 s read timeout) with 400`, async (t) => {
    assert.equal(limits.longPollMaxMs, 55_000)
    const { url } = await startServer(t)
    const response = await fetch(`${url}/feed/long-polling?after=0&timeout=${limits.longPollMaxMs + 1}`)
    assert.equal(response.status, 400)
    assert.equal(((await response.json()) as { code: string }).code, 'FST_ERR_VALIDATION')
  })

  test('a cursor older than the kept history is answered at once with reset: true', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 10)
    const page = (await (await fetch(`${url}/feed/long-polling?after=1&timeout=5000`)).json()) as FeedPage
    assert.equal(page.reset, true)
    assert.deepEqual(ids(page), range(6, 10))
  })

  test('a cursor ahead of the feed is answered at once with reset: true', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 2)
    const page = (await (await fetch(`${url}/feed/long-polling?after=99&timeout=5000`)).json()) as FeedPage
    assert.equal(page.reset, true)
    assert.deepEqual(ids(page), [1, 2])
  })

  test('stops waiting when the client goes away', async (t) => {
    const { app, port } = await startServer(t)
    const client = await RawClient.connect(port)
    client.send(client.get('/feed/long-polling?after=0&timeout=5000'))
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    await client.close()
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  })

  test('several held polls are all answered by one publish', async (t) => {
    const { app, url } = await startServer(t)
    const polls = [1, 2, 3].map(() => longPoll(`${url}/feed/long-polling?after=0&timeout=5000`))
    await eventually(() => assert.equal(app.feed.subscriberCount, 3))
    const event = app.feed.publish('tick', { value: 1 })
    for (const poll of polls) assert.deepEqual(await (await poll.response).json(), { events: [event], latest: 1 })
  })

  test('resumes after a disconnect without a gap or a duplicate', async (t) => {
    const { app, url, port } = await startServer(t)
    const seen: number[] = []
    let cursor = 0
    const next = async () => {
      const response = await fetch(`${url}/feed/long-polling?after=${cursor}&timeout=2000`)
      if (response.status === 204) return
      const page = (await response.json()) as FeedPage
      seen.push(...ids(page))
      cursor = page.latest
    }

    publishTicks(app, 2)
    await next()
    // Each publish answers the poll held at that moment.
    for (let i = 0; i < 3; i++) {
      const pending = next()
      await eventually(() => assert.equal(app.feed.subscriberCount, 1))
      publishTicks(app, 1)
      await pending
    }
    // The connection drops while a poll is held, and events are published meanwhile.
    const dropped = await RawClient.connect(port)
    dropped.send(dropped.get(`/feed/long-polling?after=${cursor}&timeout=2000`))
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    await dropped.close()
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
    publishTicks(app, 4)
    await next()
    assert.deepEqual(seen, range(1, 9))
    assert.equal(cursor, 9)
  })
})
