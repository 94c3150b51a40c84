import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { limits } from '../../src/shared/feed-event.ts'
import { asPresenter, errorBody, eventually, startServer } from '../helper.ts'

function post(url: string, body: unknown) {
  return fetch(`${url}/feed/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asPresenter },
    body: JSON.stringify(body)
  })
}

function putTicker(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/feed/ticker`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body)
  })
}

describe('POST /feed/messages', () => {
  test('publishes a chat event and answers 201 with it', async (t) => {
    const { app, url } = await startServer(t)
    app.feed.publish('tick', { value: 1 })
    const response = await post(url, { text: '  two words  ' })
    assert.equal(response.status, 201)
    const { event } = (await response.json()) as { event: { id: number; kind: string; data: unknown; at: number } }
    assert.equal(event.id, 2)
    assert.equal(event.kind, 'chat')
    assert.deepEqual(event.data, { text: 'two words' })
    assert.deepEqual(app.feed.recent(1), [event])
  })

  test(`takes ${limits.chatTextMax} characters, even when each is two UTF-16 units`, async (t) => {
    const { url } = await startServer(t)
    assert.equal((await post(url, { text: 'é'.repeat(limits.chatTextMax) })).status, 201)
    assert.equal((await post(url, { text: '🙂'.repeat(limits.chatTextMax) })).status, 201)
  })

  test('accepts a client id in the query', async (t) => {
    const { url } = await startServer(t)
    const response = await fetch(`${url}/feed/messages?client=page-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asPresenter },
      body: '{"text":"hi"}'
    })
    assert.equal(response.status, 201)
  })
})

describe('/feed/ticker', () => {
  test('GET shows the tick generator settings', async (t) => {
    const { url } = await startServer(t, { feedRate: 3 })
    const response = await fetch(`${url}/feed/ticker`)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { rate: 3, paused: false, pattern: 'random' })
  })

  test('GET shows the pattern the server started with', async (t) => {
    const { url } = await startServer(t, { feedRate: 3, feedPattern: 'bursts' })
    assert.deepEqual(await (await fetch(`${url}/feed/ticker`)).json(), { rate: 3, paused: false, pattern: 'bursts' })
  })

  test('PUT changes rate and pause and answers with the new settings', async (t) => {
    const { app, url } = await startServer(t)
    const put = (body: unknown) =>
      fetch(`${url}/feed/ticker`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...asPresenter },
        body: JSON.stringify(body)
      })

    let response = await put({ rate: 50 })
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { rate: 50, paused: false, pattern: 'random' })
    await eventually(() => assert.ok(app.feed.latest >= 3, `latest ${app.feed.latest}`))

    response = await put({ paused: true })
    assert.deepEqual(await response.json(), { rate: 50, paused: true, pattern: 'random' })
    const stoppedAt = app.feed.latest
    await new Promise((resolve) => setTimeout(resolve, 80))
    assert.equal(app.feed.latest, stoppedAt, 'no tick while paused')

    response = await put({ rate: 0, paused: false })
    assert.deepEqual(await response.json(), { rate: 0, paused: false, pattern: 'random' })
    assert.deepEqual(app.ticker.settings, { rate: 0, paused: false, pattern: 'random' })
  })

  test('PUT changes the pattern with the token, and GET shows it', async (t) => {
    const { app, url } = await startServer(t, { feedRate: 2 })
    const response = await putTicker(url, { pattern: 'steady' }, asPresenter)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { rate: 2, paused: false, pattern: 'steady' })
    assert.deepEqual(await (await fetch(`${url}/feed/ticker`)).json(), { rate: 2, paused: false, pattern: 'steady' })
    assert.equal(app.ticker.settings.pattern, 'steady')
  })

  for (const [name, body] of [
    ['an unknown pattern', { pattern: 'jazzy' }],
    ['a pattern that is not a string', { pattern: 1 }],
    ['a good rate with a bad pattern', { rate: 5, pattern: 'Random' }]
  ] as const)
    test(`PUT refuses ${name} with 400 and a JSON reason and code, changing nothing`, async (t) => {
      const { app, url } = await startServer(t, { feedRate: 2 })
      const response = await putTicker(url, body, asPresenter)
      assert.equal(response.status, 400)
      const error = await errorBody(response)
      assert.equal(error.code, 'FST_ERR_VALIDATION')
      assert.match(error.message, /pattern/)
      assert.deepEqual(app.ticker.settings, { rate: 2, paused: false, pattern: 'random' })
    })

  test('PUT of a pattern without the token is a 401 and changes nothing', async (t) => {
    const { app, url } = await startServer(t, { feedRate: 2 })
    const response = await putTicker(url, { pattern: 'bursts' })
    assert.equal(response.status, 401)
    assert.equal((await errorBody(response)).code, 'WW_ERR_PRESENTER_TOKEN_MISSING')
    assert.deepEqual(app.ticker.settings, { rate: 2, paused: false, pattern: 'random' })
  })

  test('the ticker starts with the server and stops when it closes', async (t) => {
    const { app } = await startServer(t, { feedRate: 50 })
    await eventually(() => assert.ok(app.feed.latest >= 2, `latest ${app.feed.latest}`))
    await app.close()
    const closedAt = app.feed.latest
    await new Promise((resolve) => setTimeout(resolve, 60))
    assert.equal(app.feed.latest, closedAt)
  })
})
