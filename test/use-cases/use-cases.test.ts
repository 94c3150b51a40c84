import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Feed } from '../../src/server/feed/feed.ts'
import { gameLimits } from '../../src/server/use-cases/game-board.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { openWebSocket } from '../clients.ts'
import { clientId, errorBody, Inbox, startServer } from '../helper.ts'

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

/** Collects what the feed publishes from now on. */
function published(app: { feed: Feed }) {
  const inbox = new Inbox<FeedEvent>()
  app.feed.subscribe(
    (event) => inbox.push(event),
    (error) => assert.fail(error as Error)
  )
  return inbox
}

describe('game board', () => {
  test('a move by POST or by WebSocket frame puts the dot on the board, published as one board event', async (t) => {
    const server = await startServer(t)
    const events = published(server.app)
    const ann = clientId('ann')
    assert.equal((await post(`${server.url}/game/moves`, { player: ann, name: 'Ann', x: 0.25, y: 0.5 })).status, 204)
    const { ws } = await openWebSocket(t, server)
    const bob = clientId('bob')
    ws.send(JSON.stringify({ type: 'move', player: bob, name: 'Bob', x: 1, y: 0 }))
    const boards = await events.waitUntil((items) => {
      const last = items.findLast((event) => event.kind === 'board')
      return (last?.data.players as unknown[] | undefined)?.length === 2
    })
    const last = boards.findLast((event) => event.kind === 'board')
    assert.deepEqual(last?.data.players, [
      { id: ann, name: 'Ann', x: 0.25, y: 0.5 },
      { id: bob, name: 'Bob', x: 1, y: 0 }
    ])
  })

  test('publishes at most 30 boards a second however fast players move', async (t) => {
    const server = await startServer(t)
    const events = published(server.app)
    const started = Date.now()
    while (Date.now() - started < 1000) {
      server.app.game.move({ id: 'fast', name: 'fast', x: Math.random(), y: Math.random() })
      await new Promise((resolve) => setImmediate(resolve))
    }
    const boards = events.items.filter((event) => event.kind === 'board').length
    assert.ok(boards >= 20 && boards <= gameLimits.updatesPerSecond + 1, `${boards} boards in 1 s`)
  })

  test('refuses a move off the board (400) and a move by frame with a close code; a full board answers 409', async (t) => {
    const server = await startServer(t)
    const off = await post(`${server.url}/game/moves`, { player: 'p', x: 1.5, y: 0 })
    assert.equal(off.status, 400)
    await errorBody(off)
    const { ws, closed } = await openWebSocket(t, server)
    ws.send(JSON.stringify({ type: 'move', player: 'p', x: -1, y: 0 }))
    assert.equal((await closed).code, 1008)
    for (let i = 0; i < gameLimits.maxPlayers; i++) server.app.game.move({ id: `p${i}`, name: 'p', x: 0, y: 0 })
    const full = await post(`${server.url}/game/moves`, { player: 'late', x: 0, y: 0 })
    assert.equal(full.status, 409)
    assert.equal((await errorBody(full)).code, 'WW_ERR_BOARD_FULL')
  })
})

describe('progress jobs', () => {
  test('a job publishes its progress from 0 to 100 % through the feed, then says it is done', async (t) => {
    const server = await startServer(t)
    const events = published(server.app)
    const response = await post(`${server.url}/jobs`, { steps: 4, durationMs: 500 })
    assert.equal(response.status, 202)
    const { job } = (await response.json()) as { job: number }
    const progress = await events.waitUntil((items) => items.some((event) => event.data.done === true), 3000)
    assert.deepEqual(
      progress
        .filter((event) => event.kind === 'progress' && event.data.job === job)
        .map((event) => event.data.percent),
      [0, 25, 50, 75, 100]
    )
  })

  test('a job started with a key names it in every one of its events, the 0 % one included', async (t) => {
    const server = await startServer(t)
    const events = published(server.app)
    const key = 'page-picked_key-42'
    const response = await post(`${server.url}/jobs`, { steps: 2, durationMs: 500, key })
    assert.equal(response.status, 202)
    const { job, key: answered } = (await response.json()) as { job: number; key: string }
    assert.equal(answered, key)
    const progress = await events.waitUntil((items) => items.some((event) => event.data.done === true), 3000)
    assert.deepEqual(
      progress.map((event) => event.data),
      [
        { job, percent: 0, done: false, key },
        { job, percent: 50, done: false, key },
        { job, percent: 100, done: true, key }
      ]
    )
  })

  const badKeys: [string, unknown][] = [
    ['of 3 characters', 'abc'],
    ['of 65 characters', 'k'.repeat(65)],
    ['with markup', '<b>key</b>-1234'],
    ['with a space', 'my job key'],
    ['that is a number', 12345678]
  ]
  for (const [name, key] of badKeys) {
    test(`refuses a job key ${name}: 400 with a JSON reason, and no job starts`, async (t) => {
      const server = await startServer(t)
      const response = await post(`${server.url}/jobs`, { steps: 2, durationMs: 500, key })
      assert.equal(response.status, 400)
      const body = await errorBody(response)
      assert.equal(body.code, 'FST_ERR_VALIDATION')
      assert.match(body.message, /key/)
      assert.equal(server.app.feed.latest, 0)
    })
  }

  test('at most 10 jobs run at once: the 11th gets 429 with a reason', async (t) => {
    const server = await startServer(t)
    // Ten pages (one page alone would meet its own send limit first).
    for (let i = 0; i < 10; i++)
      assert.equal((await post(`${server.url}/jobs?client=page-${i}`, { durationMs: 60_000 })).status, 202)
    const refused = await post(`${server.url}/jobs?client=page-10`, {})
    assert.equal(refused.status, 429)
    assert.equal((await errorBody(refused)).code, 'WW_ERR_TOO_MANY_JOBS')
  })
})

describe('chat with names', () => {
  test('a name travels with the text by POST and by WebSocket, and a too long name is refused', async (t) => {
    const server = await startServer(t)
    const events = published(server.app)
    assert.equal((await post(`${server.url}/feed/messages`, { text: 'hi', name: ' Ann ' })).status, 201)
    const { ws } = await openWebSocket(t, server)
    ws.send(JSON.stringify({ type: 'chat', text: 'hello', name: 'Bob' }))
    await events.waitFor(2)
    assert.deepEqual(
      events.items.map((event) => event.data),
      [
        { text: 'hi', name: 'Ann' },
        { text: 'hello', name: 'Bob' }
      ]
    )
    const long = await post(`${server.url}/feed/messages`, { text: 'hi', name: 'n'.repeat(25) })
    assert.equal(long.status, 400)
    assert.equal((await errorBody(long)).code, 'WW_ERR_CHAT_NAME')
  })
})
