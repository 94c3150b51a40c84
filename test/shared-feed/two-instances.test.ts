import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { describe, type TestContext, test } from 'node:test'
import WebSocket from 'ws'
import { instanceHeader } from '../../src/server/instance-name.ts'
import type { FeedEvent, FeedPage } from '../../src/shared/feed-event.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import type { WireReport } from '../../src/shared/wire-stats.ts'
import { blockIds, eventIds, openLineStream, openSse, openWebSocket } from '../clients.ts'
import { asPresenter, delay, eventually, range, startServer, type TestServer } from '../helper.ts'
import { type RedisServer, redisSkipReason, startRedis } from '../redis-server.ts'

/** Two instances of the app on one Redis, as behind a load balancer, each with its name. */
async function twoInstances(t: TestContext, redis: RedisServer, feedRate = 0): Promise<[TestServer, TestServer]> {
  const a = await startServer(t, { redisUrl: redis.url, instanceName: 'a', feedRate })
  const b = await startServer(t, { redisUrl: redis.url, instanceName: 'b', feedRate })
  return [a, b]
}

/** Sends a chat as page `client` (the rate limits count each page's sends on every instance together). */
async function chat(server: TestServer, text: string, client = 'page1'): Promise<Response> {
  return fetch(`${server.url}/feed/messages?client=${client}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text })
  })
}

async function poll(server: TestServer, after?: number): Promise<FeedPage> {
  const response = await fetch(`${server.url}/feed/polling${after === undefined ? '' : `?after=${after}`}`)
  assert.equal(response.status, 200)
  return (await response.json()) as FeedPage
}

const ids = (events: FeedEvent[]) => events.map((event) => event.id)

describe('two instances sharing one feed through Redis', { skip: redisSkipReason }, () => {
  test('chats sent through either instance get one numbering, and both serve the same events', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    const sent: number[] = []
    for (const n of range(1, 10)) {
      const response = await chat(n % 2 ? a : b, `hello ${n}`)
      assert.equal(response.status, 201)
      sent.push(((await response.json()) as { event: FeedEvent }).event.id)
    }
    assert.deepEqual(sent, range(1, 10))
    await eventually(async () => {
      assert.deepEqual(ids((await poll(a, 0)).events), range(1, 10))
      assert.deepEqual(await poll(a, 0), await poll(b, 0))
    })
    assert.deepEqual(
      (await poll(b, 0)).events.map((event) => event.data.text),
      range(1, 10).map((n) => `hello ${n}`)
    )
  })

  test('publishing at once from both instances never shares or skips an id', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    const answers = await Promise.all(range(1, 40).map((n) => chat(n % 2 ? a : b, `m${n}`, `page${n}`)))
    const got = await Promise.all(
      answers.map(async (answer) => ((await answer.json()) as { event: FeedEvent }).event.id)
    )
    assert.deepEqual(
      [...got].sort((x, y) => x - y),
      range(1, 40)
    )
    await eventually(async () => assert.deepEqual(ids((await poll(b, 0)).events), range(1, 40)))
  })

  test('every answer names its instance in the wirewatch-instance header, the WebSocket 101 too', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    assert.equal((await fetch(`${a.url}/feed/polling`)).headers.get(instanceHeader), 'a')
    assert.equal((await fetch(`${b.url}/no-such-page`)).headers.get(instanceHeader), 'b')
    const sse = await openSse(t, `${b.url}/feed/sse`)
    assert.equal(sse.headers[instanceHeader], 'b')
    const ws = new WebSocket(`ws://127.0.0.1:${a.port}/feed/websocket`, { headers: { origin: a.origin } })
    t.after(() => ws.terminate())
    const upgrade = await new Promise<IncomingMessage>((resolve) => ws.once('upgrade', resolve))
    assert.equal(upgrade.statusCode, 101)
    assert.equal(upgrade.headers[instanceHeader], 'a')
  })

  test('a page resumes on the other instance from its cursor: polling, long polling, SSE, WebSocket, streamed fetch', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    for (const n of range(1, 5)) await chat(a, `before ${n}`)
    await eventually(async () => assert.equal((await poll(b)).latest, 5))
    for (const n of range(6, 8)) await chat(b, `after ${n}`)
    await eventually(async () => assert.equal((await poll(a)).latest, 8))

    // Each asks instance b (or a) with cursor 5, handed out by the other one.
    assert.deepEqual(ids((await poll(b, 5)).events), [6, 7, 8])
    const longPoll = await fetch(`${a.url}/feed/long-polling?after=5`)
    assert.deepEqual(ids(((await longPoll.json()) as FeedPage).events), [6, 7, 8])
    const sse = await openSse(t, `${b.url}/feed/sse`, { 'last-event-id': '5' })
    assert.deepEqual(blockIds(await sse.blocks.waitUntil((blocks) => blockIds(blocks).length >= 3)), [6, 7, 8])
    const ws = await openWebSocket(t, { ...a, url: a.url }, '/feed/websocket?after=5')
    assert.deepEqual(eventIds(await ws.messages.waitUntil((messages) => eventIds(messages).length >= 3)), [6, 7, 8])
    const stream = await openLineStream(t, `${b.url}/feed/fetch-stream?after=5`, (line) =>
      line.startsWith('{"id"') ? (JSON.parse(line) as FeedEvent).id : undefined
    )
    assert.deepEqual(await stream.items.waitFor(3), [6, 7, 8])
    // Published later through a, it reaches the stream held open on b.
    await chat(a, 'later')
    assert.deepEqual(blockIds(await sse.blocks.waitUntil((blocks) => blockIds(blocks).length >= 4)), [6, 7, 8, 9])
  })

  test("a page's figures add up what every instance counted of it, and name the instances", async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    const live = await openWebSocket<WireLiveServerMessage>(t, a, '/wire/live?client=figures1')
    // As behind round-robin: three polls answered by a, three by b.
    for (const server of [a, b, a, b, a, b]) await fetch(`${server.url}/feed/polling?client=figures1`)
    const added = await live.messages.waitUntil(
      (messages) =>
        messages.some((message) => message.type === 'report' && message.report.techniques.polling.requests === 6),
      5000,
      'a report counting all six polls'
    )
    const report = added.findLast((message) => message.type === 'report')
    assert.ok(report?.type === 'report')
    assert.deepEqual(report.report.instances, ['a', 'b'])
    assert.equal(report.report.techniques.polling.emptyResponses + report.report.techniques.polling.events > 0, true)
    // GET /wire is the answering instance's own count.
    const own = (await (await fetch(`${b.url}/wire?client=figures1`)).json()) as WireReport
    assert.equal(own.techniques.polling.requests, 3)
    assert.deepEqual(own.instances, ['b'])

    // b goes away: what it counted stays counted, so the page's figures never go backwards.
    await b.app.close()
    await delay(3000)
    const reports = live.messages.items.filter((message) => message.type === 'report')
    const last = reports.at(-1)
    assert.ok(last?.type === 'report')
    assert.equal(last.report.techniques.polling.requests, 6)
    assert.deepEqual(last.report.instances, ['a', 'b'])
  })

  test('a cursor an instance has not received yet waits for the event instead of being answered reset', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    await chat(a, 'one')
    await eventually(() => assert.equal(b.app.feed.latest, 1))
    // As if b lagged: the page got event 2 from a and asks b before b has it.
    const asked = poll(b, 2)
    await delay(50)
    await chat(a, 'two')
    const page = await asked
    assert.equal(page.reset, undefined)
    assert.equal(page.latest, 2)
    assert.deepEqual(ids(page.events), [])
  })

  test('exactly one instance ticks; when it closes the other takes over within a few seconds', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis, 10)
    await eventually(() => assert.ok(a.app.ticker.running !== b.app.ticker.running, 'one ticker runs'), {
      timeoutMs: 5000
    })
    const [ticking, other] = a.app.ticker.running ? [a, b] : [b, a]
    const start = other.app.feed.latest
    await delay(2000)
    const perSecond = (other.app.feed.latest - start) / 2
    assert.ok(perSecond > 4 && perSecond < 18, `${perSecond} events/s at rate 10 (two tickers would make about 20)`)

    const closing = Date.now()
    await ticking.app.close()
    assert.ok(Date.now() - closing < 2000, `closed in ${Date.now() - closing} ms`)
    const closedAt = Date.now()
    // Each failing check carries its message: a bare assert.ok makes Node re-parse this file to describe it.
    await eventually(() => assert.ok(other.app.ticker.running, 'the other instance ticks'), {
      timeoutMs: 6000,
      everyMs: 50
    })
    const handover = Date.now() - closedAt
    const before = other.app.feed.latest
    await eventually(() => assert.ok(other.app.feed.latest > before + 3, 'ticks go on'), { timeoutMs: 3000 })
    // Released on close, taken at the next try (every third of the lease): not after the lease runs out.
    assert.ok(handover < 2500, `a closing instance hands its lease over in ${handover} ms`)
  })

  test('with Redis away, publishing answers 503 WW_ERR_FEED_STORE; when it is back, the same feed goes on', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = await twoInstances(t, redis)
    const live = await openWebSocket<WireLiveServerMessage>(t, a, '/wire/live?client=paused1')
    const socket = await openWebSocket(t, b, '/feed/websocket?client=paused1')
    await chat(a, 'one')
    await redis.stop({ crash: true })
    // A chat sent over the WebSocket meanwhile is refused with a code saying "later", not taken silently.
    socket.ws.send(JSON.stringify({ type: 'chat', text: 'lost?' }))
    assert.deepEqual(await socket.closed, {
      code: 1013,
      reason: 'the shared feed store is unreachable: send again later'
    })
    // The page is told the feed is paused.
    await live.messages.waitUntil(
      (messages) => messages.some((message) => message.type === 'feed-store' && !message.reachable),
      5000,
      'feed-store unreachable'
    )
    const refused = await chat(b, 'lost?')
    assert.equal(refused.status, 503)
    const body = (await refused.json()) as { code: string; message: string }
    assert.equal(body.code, 'WW_ERR_FEED_STORE')
    assert.match(body.message, /shared feed store is unreachable/)
    await eventually(() => assert.equal(a.app.sharedFeed?.reachable, false), { timeoutMs: 4000 })
    // What was published stays served: polling still answers from memory.
    assert.deepEqual(ids((await poll(a, 0)).events), [1])

    await redis.restart()
    await eventually(async () => assert.equal((await chat(b, 'two')).status, 201), { timeoutMs: 10_000, everyMs: 100 })
    await eventually(() => assert.equal(a.app.sharedFeed?.reachable, true), { timeoutMs: 4000 })
    await live.messages.waitUntil(
      (messages) => {
        const paused = messages.findIndex((message) => message.type === 'feed-store' && !message.reachable)
        return messages.slice(paused + 1).some((message) => message.type === 'feed-store' && message.reachable)
      },
      5000,
      'feed-store reachable again'
    )
    // Redis came back empty: the ids jumped past the old ones, and an old cursor is told to reset.
    const after = await poll(a, 1)
    await eventually(async () => assert.ok((await poll(a, 1)).latest > 1000))
    assert.ok(after.latest === 1 || after.reset === true)
    assert.equal((await poll(a, 1)).reset, true)
    assert.equal((await poll(b, 1)).reset, true)
  })

  test('the ticker settings a presenter puts through one instance hold on the instance that ticks', {
    skip: true
  }, async () => {
    asPresenter
  })
})
