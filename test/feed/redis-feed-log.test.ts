import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { createClient } from 'redis'
import { FeedStoreUnavailable } from '../../src/server/errors.ts'
import { type FollowOptions, RedisFeedLog, type RedisFeedLogOptions } from '../../src/server/feed/redis-feed-log.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { eventually, range } from '../helper.ts'
import { type RedisServer, redisServerPath, redisSkipReason, startRedis } from '../redis-server.ts'

const ids = (events: { id: number }[]) => events.map((event) => event.id)

/** A log on its own connection, as one app instance has, closed when the test ends. */
async function openLog(t: TestContext, redis: RedisServer, options: Partial<RedisFeedLogOptions> = {}) {
  const errors: Error[] = []
  const log = new RedisFeedLog({ url: redis.url, onError: (error) => errors.push(error), ...options })
  t.after(() => log.close())
  await log.connect()
  return { log, errors }
}

/** Follows `log` from `fromId`, collecting what it delivers. */
function collect(log: RedisFeedLog, fromId = 0, options: FollowOptions = {}) {
  const events: FeedEvent[] = []
  const following = log.follow(fromId, (event) => events.push(event), { onError: () => {}, ...options })
  return { events, following }
}

/** Runs Redis commands beside the logs (FLUSHALL, XLEN), as an operator would. */
async function admin(t: TestContext, redis: RedisServer) {
  const client = createClient({ url: redis.url })
  client.on('error', () => {})
  await client.connect()
  t.after(() => client.destroy())
  return client
}

if (redisSkipReason && process.env.CI) {
  test('redis-server is installed (CI runs the Redis feed tests)', () => {
    assert.fail(`redis-server is missing at ${redisServerPath}: scripts/prepare-test.sh installs it when run as root`)
  })
}
if (redisSkipReason) console.log(`# skipping the Redis feed log tests: ${redisSkipReason}`)

describe('RedisFeedLog (a redis-server of its own per test)', { skip: redisSkipReason }, () => {
  test('two instances appending 2 × 500 events at once get ids 1..1000, each once, in Redis clock order; both followers see all 1000 in order once', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await openLog(t, redis), await openLog(t, redis)]
    const followers = [collect(a.log), collect(b.log)]

    const appended = (
      await Promise.all(
        [a, b].map(({ log }, instance) => Promise.all(range(1, 500).map((n) => log.append('tick', { instance, n }))))
      )
    ).flat()

    const byId = appended.toSorted((x, y) => x.id - y.id)
    assert.deepEqual(ids(byId), range(1, 1000))
    const stamps = byId.map((event) => event.at)
    assert.deepEqual(
      stamps,
      stamps.toSorted((x, y) => x - y),
      'at never goes backwards in id order'
    )
    for (const { events } of followers) {
      await eventually(() => assert.equal(events.length, 1000), { timeoutMs: 10_000 })
      assert.deepEqual(ids(events), range(1, 1000))
      assert.deepEqual(events, byId, 'followers get exactly what append returned')
    }
    assert.deepEqual(a.errors, [])
    assert.deepEqual(b.errors, [])
  })

  test('an event keeps the shape of the in-memory feed: { id, at, kind, data }, with at from Redis TIME in ms', async (t) => {
    const redis = await startRedis(t)
    const { log } = await openLog(t, redis)
    const before = Date.now()
    const event = await log.append('chat', { text: 'hi', name: 'Ada' })
    assert.deepEqual(Object.keys(event), ['id', 'at', 'kind', 'data'])
    assert.deepEqual({ ...event, at: 0 }, { id: 1, at: 0, kind: 'chat', data: { text: 'hi', name: 'Ada' } })
    assert.ok(Number.isInteger(event.at) && Math.abs(event.at - before) < 5_000, `at ${event.at} is epoch ms`)
    assert.deepEqual(await log.range(0, 10), [event])
  })

  test('range gives up to count events after a cursor, in order; latestId and oldestId bound the stream', async (t) => {
    const redis = await startRedis(t)
    const { log } = await openLog(t, redis)
    assert.equal(await log.oldestId(), undefined)
    assert.equal(await log.latestId(), 0)
    assert.deepEqual(await log.range(0, 10), [])
    for (const n of range(1, 20)) await log.append('tick', { value: n })
    assert.deepEqual(ids(await log.range(5, 3)), [6, 7, 8])
    assert.deepEqual(ids(await log.range(17, 10)), [18, 19, 20])
    assert.deepEqual(await log.range(20, 10), [])
    assert.equal(await log.oldestId(), 1)
    assert.equal(await log.latestId(), 20)
  })

  test('a cursor older than the trimmed stream is detectable, and a follower that far behind is told of the gap', async (t) => {
    // Small stream nodes, so MAXLEN ~ trims close to the capacity; it still trims whole nodes only.
    const redis = await startRedis(t, { args: ['--stream-node-max-entries', '10'] })
    const { log } = await openLog(t, redis, { capacity: 20 })
    for (const n of range(1, 100)) await log.append('tick', { value: n })
    const oldest = await log.oldestId()
    assert.ok(oldest !== undefined && oldest > 1, `the stream was trimmed (oldest ${oldest})`)
    const kept = await log.range(oldest - 1, 1000)
    assert.ok(kept.length >= 20, `MAXLEN ~ keeps at least the capacity (kept ${kept.length})`)
    assert.deepEqual(ids(kept), range(oldest, 100))
    assert.ok(0 < oldest - 1, 'cursor 0 lost events: the caller answers it with reset')

    const gaps: [number, number][] = []
    const { events, following } = collect(log, 0, { onGap: (first, last) => gaps.push([first, last]) })
    t.after(() => following.stop())
    await eventually(() => assert.equal(events.at(-1)?.id, 100))
    assert.deepEqual(gaps, [[1, oldest - 1]])
    assert.deepEqual(ids(events), range(oldest, 100))
  })

  test('after Redis lost its data ids jump a capacity past the floor: never reused, even by an instance a few events behind', async (t) => {
    const redis = await startRedis(t)
    const { log } = await openLog(t, redis, { capacity: 100 })
    const other = await openLog(t, redis, { capacity: 100 })
    for (const n of range(1, 5)) await log.append('tick', { value: n })
    await (await admin(t, redis)).flushAll()
    assert.equal(await log.latestId(), 0)
    // `other` may have missed events 4 and 5 (it never read them): from its floor 3 the jump still clears them.
    assert.equal((await other.log.append('tick', { value: 6 }, 3)).id, 104)
    assert.equal((await log.append('tick', { value: 7 })).id, 105)
    // Without a floor, a log uses the highest id it has seen itself.
    assert.equal(other.log.highestSeen, 104)
    await (await admin(t, redis)).flushAll()
    assert.equal((await log.append('tick', { value: 1 })).id, 206)
    assert.equal((await log.append('tick', { value: 2 })).id, 207)
  })

  test('the counter lost but the stream kept: the next id still follows the stream', async (t) => {
    const redis = await startRedis(t)
    const { log } = await openLog(t, redis)
    for (const n of range(1, 3)) await log.append('tick', { value: n })
    await (await admin(t, redis)).del(log.keys.counter)
    const fresh = await openLog(t, redis)
    assert.equal((await fresh.log.append('tick', { value: 4 }, 0)).id, 4)
  })

  test('redis-server killed and restarted on its port: the follower resumes and delivers later events exactly once', async (t) => {
    const redis = await startRedis(t)
    const writer = await openLog(t, redis)
    const reader = await openLog(t, redis)
    const errors: Error[] = []
    const { events, following } = collect(reader.log, 0, { blockMs: 1000, onError: (error) => errors.push(error) })
    for (const n of range(1, 10)) await writer.log.append('tick', { value: n })
    await eventually(() => assert.equal(events.length, 10))

    await redis.stop({ crash: true })
    await assert.rejects(writer.log.append('tick', { value: 0 }), FeedStoreUnavailable)
    await redis.restart()
    // The writer reconnects by itself; until it has, append answers "unavailable". Redis came back
    // empty, so the ids jump a capacity (1000) past the highest seen: the follower reports the hole.
    await eventually(() => writer.log.append('tick', { value: 11 }), { timeoutMs: 10_000, everyMs: 100 })
    for (const n of range(12, 20)) await writer.log.append('tick', { value: n })

    await eventually(() => assert.equal(events.at(-1)?.id, 1020), { timeoutMs: 10_000 })
    assert.deepEqual(ids(events), [...range(1, 10), ...range(1011, 1020)])
    assert.equal(following.lastId, 1020)
    assert.ok(errors.length > 0, 'the follower was told its connection broke')
  })

  test('append while Redis is down rejects at once with FeedStoreUnavailable, and the process lives on', async (t) => {
    const redis = await startRedis(t)
    const { log, errors } = await openLog(t, redis)
    await log.append('tick', { value: 1 })
    await redis.stop()
    const started = Date.now()
    const failure = await log.append('tick', { value: 2 }).then(
      () => assert.fail('append succeeded with Redis down'),
      (error: unknown) => error
    )
    assert.ok(failure instanceof FeedStoreUnavailable)
    assert.equal((failure as InstanceType<typeof FeedStoreUnavailable>).statusCode, 503)
    assert.ok(Date.now() - started < 2_000, `rejected after ${Date.now() - started} ms`)
    await eventually(() => assert.ok(errors.length > 0, 'the error event reached onError'))
  })

  test('connect to a Redis that is not there rejects within its wait, with the reason', async (t) => {
    const redis = await startRedis(t)
    await redis.stop()
    const log = new RedisFeedLog({ url: redis.url, onError: () => {} })
    t.after(() => log.close())
    await assert.rejects(log.connect({ waitMs: 300 }), (error: Error) => {
      assert.ok(error instanceof FeedStoreUnavailable)
      assert.match(error.message, /unreachable: no connection to Redis within 300 ms/)
      return true
    })
  })

  test('a log started while Redis is down connects when it comes, and its follower delivers from there', async (t) => {
    const redis = await startRedis(t)
    await redis.stop()
    const log = new RedisFeedLog({ url: redis.url, onError: () => {} })
    t.after(() => log.close())
    await assert.rejects(log.connect({ waitMs: 200 }), FeedStoreUnavailable)
    const { events, following } = collect(log, 0, { blockMs: 1000 })
    const idle = collect(log, 0)
    await idle.following.stop()
    await redis.restart()
    await eventually(() => log.append('tick', { value: 1 }), { timeoutMs: 10_000, everyMs: 100 })
    await log.append('tick', { value: 2 })
    await eventually(() => assert.deepEqual(ids(events), [1, 2]), { timeoutMs: 10_000 })
    assert.equal(following.lastId, 2)
  })

  test('stop ends a follower blocked in XREAD at once, and close stops the followers it started', async (t) => {
    const redis = await startRedis(t)
    const { log } = await openLog(t, redis)
    const { following } = collect(log, 0, { blockMs: 10_000 })
    await log.append('tick', { value: 1 })
    await eventually(() => assert.equal(following.lastId, 1))
    const started = Date.now()
    await following.stop()
    await following.stop()
    assert.ok(Date.now() - started < 1_000, `stop took ${Date.now() - started} ms`)

    const second = collect(log, 1, { blockMs: 10_000 })
    await log.close()
    await log.append('tick', { value: 2 }).then(
      () => assert.fail('a closed log appended'),
      (error: unknown) => assert.ok(error instanceof FeedStoreUnavailable)
    )
    assert.deepEqual(second.events, [])
  })
})
