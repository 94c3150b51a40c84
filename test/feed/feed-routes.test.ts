import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { limits } from '../../src/shared/feed-event.ts'
import { asPresenter, eventually, startServer } from '../helper.ts'

function post(url: string, body: unknown) {
  return fetch(`${url}/feed/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...asPresenter },
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
    assert.deepEqual(await response.json(), { rate: 3, paused: false })
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
    assert.deepEqual(await response.json(), { rate: 50, paused: false })
    await eventually(() => assert.ok(app.feed.latest >= 3, `latest ${app.feed.latest}`))

    response = await put({ paused: true })
    assert.deepEqual(await response.json(), { rate: 50, paused: true })
    const stoppedAt = app.feed.latest
    await new Promise((resolve) => setTimeout(resolve, 80))
    assert.equal(app.feed.latest, stoppedAt, 'no tick while paused')

    response = await put({ rate: 0, paused: false })
    assert.deepEqual(await response.json(), { rate: 0, paused: false })
    assert.deepEqual(app.ticker.settings, { rate: 0, paused: false })
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
