import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { createClient } from 'redis'
import { type RateLimitRedis, redisRateLimitStore } from '../src/server/rate-limit-store.ts'
import rateLimits, { sendLimits } from '../src/server/rate-limits.ts'
import { clientId, delay, eventually, range } from './helper.ts'
import { type RedisServer, redisServerPath, redisSkipReason, startRedis } from './redis-server.ts'

/** A client as an instance has one, closed when the test ends; it retries every 50 ms so tests recover fast. */
async function connect(t: TestContext, redis: RedisServer): Promise<RateLimitRedis> {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } })
  // Redis going away is part of these tests: without a listener its errors would crash the process.
  client.on('error', () => {})
  await client.connect()
  t.after(() => client.destroy())
  return client
}

/**
 * One wirewatch "instance": the rate-limits plugin (on Redis when `redis` is given) and a
 * chat and a move route behind it, answering 201. Its log lines are collected in `logs`.
 */
async function startInstance(t: TestContext, redis?: RateLimitRedis) {
  const logs: { level: number; msg: string }[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => logs.push(JSON.parse(line)) } } })
  await app.register(rateLimits, redis ? { redis } : {})
  app.post('/chat', { onRequest: app.limitSends('chat') }, async (_request, reply) => reply.code(201).send({}))
  app.post('/move', { onRequest: app.limitSends('move') }, async (_request, reply) => reply.code(201).send({}))
  await app.ready()
  t.after(() => app.close())
  return { app, logs }
}

function send(app: FastifyInstance, client: string, path = '/chat') {
  return app.inject({ method: 'POST', url: `${path}?client=${client}`, payload: {} })
}

/** An error body with its "retry in N s" blanked: the two windows did not start at the same moment. */
function withoutRetry(body: { message: string }) {
  return { ...body, message: body.message.replace(/retry in \d+ s/, 'retry in … s') }
}

/** Counts one send straight through a store made for `client`, as `@fastify/rate-limit` does. */
function incr(client: RateLimitRedis, key: string, timeWindow: number, max: number) {
  const Store = redisRateLimitStore(client)
  const store = new Store({})
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), timeWindow, max)
  )
}

if (redisSkipReason && process.env.CI) {
  test('redis-server is installed (CI runs the Redis rate-limit tests)', () => {
    assert.fail(`redis-server is missing at ${redisServerPath}: scripts/prepare-test.sh installs it when run as root`)
  })
}
if (redisSkipReason) console.log(`# skipping the Redis rate-limit tests: ${redisSkipReason}`)

describe('rate limits counted in Redis (a redis-server of its own per test)', { skip: redisSkipReason }, () => {
  test('two instances count one page together: 20 chats across both pass, the 21st on either gets the 429 the in-memory limit gives', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await startInstance(t, await connect(t, redis)), await startInstance(t, await connect(t, redis))]
    const page = clientId('shared')
    for (const i of range(1, sendLimits.chat.max))
      assert.equal((await send((i % 2 ? a : b).app, page)).statusCode, 201, `send ${i}`)

    const alone = await startInstance(t)
    for (const _ of range(0, sendLimits.chat.max)) await send(alone.app, page)
    const inMemory = await send(alone.app, page)
    assert.equal(inMemory.statusCode, 429)
    for (const instance of [a, b]) {
      const refused = await send(instance.app, page)
      assert.equal(refused.statusCode, 429)
      assert.ok(Number(refused.headers['retry-after']) >= 1, 'Retry-After in seconds')
      assert.deepEqual(
        withoutRetry(refused.json()),
        withoutRetry(inMemory.json()),
        'the in-memory error, word for word'
      )
      assert.equal(refused.json().code, 'WW_ERR_RATE_LIMITED')
      assert.match(refused.json().message, /too many chat messages from this page: at most 20 per 10 s; retry in \d+ s/)
    }
  })

  test('different pages, and different kinds of send of one page, are counted apart', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await startInstance(t, await connect(t, redis)), await startInstance(t, await connect(t, redis))]
    const [abuser, student] = [clientId('abuser'), clientId('student')]
    for (const _ of range(1, sendLimits.chat.max)) await send(a.app, abuser)
    assert.equal((await send(b.app, abuser)).statusCode, 429)
    assert.equal((await send(b.app, student)).statusCode, 201, 'another page on the same address')
    assert.equal((await send(a.app, abuser, '/move')).statusCode, 201, 'the same page moving in the game')
  })

  test('a window starts at its first send and resets after timeWindow; the key is wirewatch:rate:<key>', async (t) => {
    const client = await connect(t, await startRedis(t))
    const counted = [await incr(client, 'k', 300, 2), await incr(client, 'k', 300, 2), await incr(client, 'k', 300, 2)]
    assert.deepEqual(
      counted.map(({ current }) => current),
      [1, 2, 3]
    )
    assert.equal(counted[0]?.ttl, 300)
    for (const { ttl } of counted) assert.ok(ttl > 0 && ttl <= 300, `ttl ${ttl} within the window`)
    assert.equal(await client.get('wirewatch:rate:k'), '3')
    await delay(330)
    assert.deepEqual(await incr(client, 'k', 300, 2), { current: 1, ttl: 300 })
  })

  test('200 sends at once from two instances are each counted once', async (t) => {
    const redis = await startRedis(t)
    const clients = [await connect(t, redis), await connect(t, redis)]
    const counted = await Promise.all(
      clients.flatMap((client) => range(1, 100).map(() => incr(client, 'burst', 10_000, 5)))
    )
    assert.deepEqual(
      counted.map(({ current }) => current).toSorted((x, y) => x - y),
      range(1, 200)
    )
  })

  test('while Redis is stopped sends go through with one warning for the outage; after its restart counting resumes', async (t) => {
    const redis = await startRedis(t)
    const client = await connect(t, redis)
    const { app, logs } = await startInstance(t, client)
    const page = clientId('outage')
    for (const _ of range(1, sendLimits.chat.max)) await send(app, page)
    assert.equal((await send(app, page)).statusCode, 429)

    await redis.stop()
    await eventually(() => assert.equal(client.isReady, false))
    for (const _ of range(1, 5)) assert.equal((await send(app, page)).statusCode, 201, 'let through uncounted')
    const warnings = () => logs.filter((line) => line.level === 40).map((line) => line.msg)
    assert.deepEqual(warnings(), ['rate limits: Redis is unreachable, sends are let through uncounted'])

    await redis.restart()
    await eventually(() => assert.equal(client.isReady, true), { timeoutMs: 3000 })
    // The restarted Redis is empty: the page starts a new window.
    for (const i of range(1, sendLimits.chat.max)) assert.equal((await send(app, page)).statusCode, 201, `send ${i}`)
    assert.equal((await send(app, page)).statusCode, 429)
    assert.equal(warnings().length, 1)
    assert.ok(logs.some((line) => line.msg === 'rate limits: Redis is back, sends are counted again'))
  })
})

describe('redisRateLimitStore without an answer from Redis', () => {
  test('a count Redis does not answer within timeoutMs fails then, once, so the send is not held; one warning for the outage', async () => {
    const hung = { isReady: true, eval: () => new Promise(() => {}) } as unknown as RateLimitRedis
    const warnings: Error[] = []
    const Store = redisRateLimitStore(hung, { timeoutMs: 50, onUnavailable: (error) => warnings.push(error) })
    const store = new Store({})
    const started = Date.now()
    const outcomes = await Promise.all(
      range(1, 3).map(() => new Promise<Error | null>((resolve) => store.incr('k', (error) => resolve(error), 1000, 1)))
    )
    assert.ok(Date.now() - started < 500, `failed after ${Date.now() - started} ms`)
    for (const error of outcomes) assert.match(String(error), /did not count the send within 50 ms/)
    assert.equal(warnings.length, 1)
  })
})
