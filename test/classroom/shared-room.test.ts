import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { createClient } from 'redis'
import { type AppOptions, buildApp } from '../../src/server/app.ts'
import sharedRoom, { shareRoom } from '../../src/server/classroom/shared-room.ts'
import type { RoomRedis } from '../../src/server/classroom/shared-value.ts'
import type { ClassroomState } from '../../src/shared/classroom.ts'
import { predictionLimits } from '../../src/shared/prediction.ts'
import { techniqueNames } from '../../src/shared/techniques.ts'
import type { TickerSettings } from '../../src/shared/ticker-settings.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { openSse, openWebSocket } from '../clients.ts'
import { asPresenter, clientId, eventually, presenterToken, startServer, type TestServer } from '../helper.ts'
import { type RedisServer, redisServerPath, redisSkipReason, startRedis } from '../redis-server.ts'

const numberQuestion = 'polling/1'

function send(server: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

async function json<T>(response: Promise<Response>): Promise<T> {
  const answered = await response
  assert.ok(answered.ok, `answered ${answered.status}: ${await answered.clone().text()}`)
  return (await answered.json()) as T
}

const classroomOf = (server: TestServer) => json<ClassroomState>(send(server, 'GET', '/classroom'))
const tickerOf = (server: TestServer) => json<TickerSettings>(send(server, 'GET', '/feed/ticker'))
const answer = (server: TestServer, page: string, value: number) =>
  send(server, 'POST', `/classroom/prediction/answer?client=${page}`, { question: numberQuestion, value })

/** An instance as buildApp makes one, sharing its room through its own Redis client, as main.ts would. */
async function instance(
  t: TestContext,
  redis: RedisServer,
  options: AppOptions = {}
): Promise<TestServer & { client: RoomRedis }> {
  const server = await startServer(t, options)
  const client = createClient({
    url: redis.url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: () => 50 }
  })
  client.on('error', () => {})
  await client.connect()
  const room = await shareRoom({
    classroom: server.app.classroom,
    ticker: server.app.ticker,
    redis: client,
    cutConnections: () => server.app.wire.cut(undefined, [...techniqueNames, 'messages'], 'connections')
  })
  t.after(async () => {
    await room.close()
    client.destroy()
  })
  return { ...server, client }
}

if (redisSkipReason && process.env.CI) {
  test('redis-server is installed (CI runs the shared room tests)', () => {
    assert.fail(`redis-server is missing at ${redisServerPath}: scripts/prepare-test.sh installs it when run as root`)
  })
}
if (redisSkipReason) console.log(`# skipping the shared room tests: ${redisSkipReason}`)

describe('a room shared by instances through Redis', { skip: redisSkipReason }, () => {
  test('as a plugin registered in buildApp’s order (before ready): shares; without a client it does nothing', async (t) => {
    const redis = await startRedis(t)
    const apps = []
    for (const shared of [true, true, false]) {
      const app = await buildApp({ feedRate: 0, presenterToken })
      t.after(() => app.close())
      if (shared) {
        const client = createClient({ url: redis.url })
        client.on('error', () => {})
        await client.connect()
        t.after(() => client.destroy())
        await app.register(sharedRoom, { redis: client })
      } else await app.register(sharedRoom, {})
      await app.ready()
      apps.push(app)
    }
    const [a, b, alone] = apps
    const put = await a?.inject({ method: 'PUT', url: '/classroom', headers: asPresenter, payload: { slide: 2 } })
    assert.equal(put?.statusCode, 200)
    await eventually(() => assert.equal(b?.classroom.state.slide, 2), { timeoutMs: 500 })
    assert.equal(alone?.classroom.state.slide, 0)
  })

  test('a presenter change on A reaches GET /classroom and the /wire/live pages of B, under a revision that keeps rising', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await instance(t, redis), await instance(t, redis)]
    const page = await openWebSocket<WireLiveServerMessage>(t, b, `/wire/live?client=${clientId('student')}`)
    const heard = () =>
      page.messages.items.flatMap((message) => (message.type === 'classroom' ? [message.classroom] : []))
    await page.messages.waitUntil(() => heard().length >= 1)

    const change = { lesson: 'long-polling', announcement: 'look up' }
    const state = await json<ClassroomState>(send(a, 'PUT', '/classroom', change, asPresenter))
    await eventually(async () => assert.deepEqual(await classroomOf(b), state), { timeoutMs: 500 })
    await page.messages.waitUntil(() => heard().at(-1)?.announcement === 'look up', 500)
    assert.deepEqual(heard().at(-1), state)

    // B's change comes after A's: a page that saw A's state takes B's as newer.
    const next = await json<ClassroomState>(send(b, 'PUT', '/classroom', { slide: 1 }, asPresenter))
    assert.ok(next.revision > state.revision, `${next.revision} > ${state.revision}`)
    assert.equal(next.announcement, 'look up')
    await eventually(async () => assert.deepEqual(await classroomOf(a), next), { timeoutMs: 500 })
  })

  test('a network cut on A cuts B: its open streams end and its technique requests fail until restored', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await instance(t, redis), await instance(t, redis)]
    const stream = await openSse(t, `${b.url}/feed/sse?client=${clientId('s')}`)
    assert.equal((await send(a, 'POST', '/classroom/cut', { seconds: 30 }, asPresenter)).status, 200)
    await stream.ended
    await eventually(() => assert.ok(b.app.classroom.networkCut, 'b is cut'), { timeoutMs: 500 })
    await assert.rejects(fetch(`${b.url}/feed/polling?client=${clientId('p')}`))
    await send(a, 'POST', '/classroom/cut', { seconds: 0 }, asPresenter)
    await eventually(
      async () => assert.equal((await fetch(`${b.url}/feed/polling?client=${clientId('p')}`)).status, 200),
      {
        timeoutMs: 500
      }
    )
  })

  test('answers through A and B count in one tally; a page changing its answer through the other instance replaces it', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await instance(t, redis), await instance(t, redis)]
    const opened = await send(
      a,
      'PUT',
      '/classroom/prediction',
      { question: numberQuestion, phase: 'open' },
      asPresenter
    )
    assert.equal(opened.status, 200)
    assert.equal((await answer(a, 'page-1', 100)).status, 204)
    assert.equal((await answer(b, 'page-2', 200)).status, 204)
    assert.equal((await answer(a, 'page-3', 300)).status, 204)
    assert.equal((await answer(b, 'page-1', 400)).status, 204, 'page-1 again, through the other instance')
    // Both instances' pages hear the count (sent at most every 250 ms).
    for (const server of [a, b])
      await eventually(async () => assert.equal((await classroomOf(server)).prediction?.answers, 3), {
        timeoutMs: 1000
      })

    const revealed = await send(
      b,
      'PUT',
      '/classroom/prediction',
      { question: numberQuestion, phase: 'revealed' },
      asPresenter
    )
    assert.equal(revealed.status, 200)
    for (const server of [a, b])
      await eventually(
        async () => {
          const prediction = (await classroomOf(server)).prediction
          assert.equal(prediction?.phase, 'revealed')
          assert.equal(prediction?.tally?.kind, 'number')
          if (prediction?.tally?.kind !== 'number') return
          assert.equal(
            prediction.tally.bins.reduce((sum, bin) => sum + bin.count, 0),
            3
          )
          assert.deepEqual([prediction.tally.min, prediction.tally.max], [200, 400], 'page-1’s 100 was replaced')
        },
        { timeoutMs: 500 }
      )
    // Closed to answers on every instance.
    assert.equal((await answer(a, 'page-4', 500)).status, 409)
  })

  test('answer-change limits and the full room hold across instances', async (t) => {
    const redis = await startRedis(t)
    // Rate limits lifted, to reach the room's own limits.
    const [a, b] = [await instance(t, redis, { rateLimits: false }), await instance(t, redis, { rateLimits: false })]
    await send(a, 'PUT', '/classroom/prediction', { question: numberQuestion, phase: 'open' }, asPresenter)
    // The first answer and changesMax changes are taken, alternating instances; the next is refused.
    for (let sent = 0; sent <= predictionLimits.changesMax; sent++)
      assert.equal((await answer(sent % 2 ? a : b, 'fickle', 100 + sent)).status, 204)
    const refused = await answer(a, 'fickle', 1)
    assert.equal(refused.status, 429)
    assert.equal(((await refused.json()) as { code: string }).code, 'WW_ERR_RATE_LIMITED')
    const pages = Array.from({ length: predictionLimits.answersMax - 1 }, (_, i) => `page-${i}`)
    await Promise.all(pages.map((page, i) => answer(i % 2 ? a : b, page, i + 1)))
    const full = await answer(b, 'one-too-many', 1)
    assert.equal(full.status, 409)
    assert.equal(((await full.json()) as { code: string }).code, 'WW_ERR_PREDICTIONS_FULL')
    assert.equal((await answer(a, 'page-1', 2)).status, 204, 'a page already counted may change')
    for (const server of [a, b])
      await eventually(
        async () => assert.equal((await classroomOf(server)).prediction?.answers, predictionLimits.answersMax),
        { timeoutMs: 1000 }
      )
  })

  test('a ticker PUT on A changes the ticker of B', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await instance(t, redis), await instance(t, redis)]
    const set = await json<TickerSettings>(send(a, 'PUT', '/feed/ticker', { rate: 7, pattern: 'bursts' }, asPresenter))
    await eventually(async () => assert.deepEqual(await tickerOf(b), set), { timeoutMs: 500 })
  })

  test('an instance started later gets the current classroom state and ticker settings', async (t) => {
    const redis = await startRedis(t)
    const a = await instance(t, redis)
    const state = await json<ClassroomState>(send(a, 'PUT', '/classroom', { announcement: 'hello' }, asPresenter))
    const settings = await json<TickerSettings>(send(a, 'PUT', '/feed/ticker', { paused: true }, asPresenter))
    const late = await instance(t, redis)
    assert.deepEqual(await classroomOf(late), state)
    assert.deepEqual(await tickerOf(late), settings)
  })

  test('Redis stopped: presenter changes answer 503 and nothing crashes; restarted (empty): sharing works again', async (t) => {
    const redis = await startRedis(t)
    const [a, b] = [await instance(t, redis), await instance(t, redis)]
    await json(send(a, 'PUT', '/classroom', { announcement: 'before' }, asPresenter))
    await redis.stop({ crash: true })
    // Until a client notices Redis has gone, a change is made here and published once Redis is back.
    await eventually(() => assert.ok(!a.client.isReady && !b.client.isReady, 'both clients notice Redis has gone'), {
      timeoutMs: 5000
    })
    const refused = await send(a, 'PUT', '/classroom', { announcement: 'while away' }, asPresenter)
    assert.equal(refused.status, 503)
    assert.equal(((await refused.json()) as { code: string }).code, 'WW_ERR_ROOM_STORE')
    assert.equal(
      (await send(b, 'PUT', '/classroom/prediction', { question: numberQuestion, phase: 'open' }, asPresenter)).status,
      503
    )
    assert.equal((await answer(b, 'page-1', 1)).status, 503)
    assert.equal((await classroomOf(a)).announcement, 'before', 'a refused change is not made')
    // The ticker's route cannot be refused from here: applied at once, published when Redis is back.
    assert.equal((await send(a, 'PUT', '/feed/ticker', { rate: 3 }, asPresenter)).status, 200)

    await redis.restart()
    await eventually(async () => assert.equal((await tickerOf(b)).rate, 3), { timeoutMs: 2000 })
    const after = await eventually(
      async () => {
        const response = await send(b, 'PUT', '/classroom', { announcement: 'after' }, asPresenter)
        assert.equal(response.status, 200)
        return (await response.json()) as ClassroomState
      },
      { timeoutMs: 2000 }
    )
    await eventually(async () => assert.deepEqual(await classroomOf(a), after), { timeoutMs: 500 })
    assert.equal(
      (await send(a, 'PUT', '/classroom/prediction', { question: numberQuestion, phase: 'open' }, asPresenter)).status,
      200
    )
    assert.equal((await answer(b, 'page-1', 1)).status, 204)
  })
})
