import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FeedEvent, FeedPage } from '../../src/shared/feed-event.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../clients.ts'
import { eventually, range, startServer, type TestServer } from '../helper.ts'
import { redisSkipReason, startRedis } from '../redis-server.ts'
import { FaultProxy } from '../reliability/fault-proxy.ts'

async function chat(server: TestServer, text: string): Promise<Response> {
  return fetch(`${server.url}/feed/messages?client=cut1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text })
  })
}

async function poll(server: TestServer, after: number): Promise<FeedPage> {
  return (await (await fetch(`${server.url}/feed/polling?after=${after}`)).json()) as FeedPage
}

describe('a network cut between one instance and Redis', { skip: redisSkipReason }, () => {
  test('its pages are told the feed is paused, show nothing invented, and get every event once the path is back', {
    timeout: 30_000
  }, async (t) => {
    const redis = await startRedis(t)
    // Instance a reaches Redis through a path that can be cut; b directly.
    const path = await FaultProxy.start(redis.port)
    t.after(() => path.close())
    const a = await startServer(t, { redisUrl: `redis://127.0.0.1:${path.port}`, instanceName: 'a' })
    const b = await startServer(t, { redisUrl: redis.url, instanceName: 'b' })
    const live = await openWebSocket<WireLiveServerMessage>(t, a, '/wire/live?client=cut1')
    for (const n of range(1, 3)) assert.equal((await chat(b, `before ${n}`)).status, 201)
    await eventually(async () => assert.equal((await poll(a, 0)).latest, 3))

    // Silent: no FIN, no RST. a finds out by its health check (Redis's TIME unanswered within 2 s).
    path.partition()
    await live.messages.waitUntil(
      (messages) => messages.some((message) => message.type === 'feed-store' && !message.reachable),
      6000,
      'feed-store unreachable'
    )
    assert.equal((await chat(a, 'through a')).status, 503)
    for (const n of range(4, 8)) assert.equal((await chat(b, `during ${n}`)).status, 201)
    // a serves what it has, and nothing it has not received.
    const during = await poll(a, 0)
    assert.deepEqual(
      during.events.map((event) => event.id),
      [1, 2, 3]
    )
    assert.equal(during.latest, 3)
    // A page that hops here from b with b's cursor is told this instance cannot serve it yet, not "reset".
    const hopped = await fetch(`${a.url}/feed/polling?after=8`)
    assert.equal(hopped.status, 503)
    assert.match(((await hopped.json()) as { message: string }).message, /has not received event 8 yet/)

    path.heal()
    await eventually(async () => assert.equal((await poll(a, 3)).latest, 8), { timeoutMs: 10_000, everyMs: 100 })
    const after = await poll(a, 3)
    assert.equal(after.reset, undefined)
    assert.deepEqual(
      after.events.map((event: FeedEvent) => event.id),
      [4, 5, 6, 7, 8]
    )
    await live.messages.waitUntil(
      (messages) => {
        const paused = messages.findIndex((message) => message.type === 'feed-store' && !message.reachable)
        return messages.slice(paused + 1).some((message) => message.type === 'feed-store' && message.reachable)
      },
      6000,
      'feed-store reachable again'
    )
    assert.equal((await chat(a, 'through a again')).status, 201)
  })
})
