import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FeedPage } from '../../src/shared/feed-event.ts'
import { publishTicks, range, startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'

const ids = (page: FeedPage) => page.events.map((event) => event.id)

describe('polling', () => {
  test('answers { events, latest } after the cursor, like ajax', async (t) => {
    const { app, url } = await startServer(t)
    const events = publishTicks(app, 5)
    const response = await fetch(`${url}/feed/polling?after=3`)
    assert.equal(response.status, 200)
    assert.deepEqual(await response.json(), { events: events.slice(3), latest: 5 })
    assert.deepEqual(await (await fetch(`${url}/feed/polling?after=5`)).json(), { events: [], latest: 5 })
  })

  test('answers reset: true for a cursor older than the kept history', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 9)
    const page = (await (await fetch(`${url}/feed/polling?after=1`)).json()) as FeedPage
    assert.equal(page.reset, true)
    assert.deepEqual(ids(page), range(5, 9))
  })

  test('keeps the connection alive by default: several polls share one socket', async (t) => {
    const { app, port } = await startServer(t)
    const client = await RawClient.connect(port)
    t.after(() => client.close())
    for (let i = 0; i < 3; i++) {
      publishTicks(app, 1)
      const response = await client.request(client.get(`/feed/polling?after=${i}&keepalive=1`))
      assert.equal(response.status, 200)
      assert.notEqual(response.headers.connection, 'close')
      assert.deepEqual(ids(JSON.parse(response.body) as FeedPage), [i + 1])
    }
    assert.equal(client.ended, false)
  })

  test('keepalive=0 answers Connection: close, and the server closes the socket', async (t) => {
    const { app, port } = await startServer(t)
    publishTicks(app, 2)
    const client = await RawClient.connect(port)
    t.after(() => client.close())
    const response = await client.request(client.get('/feed/polling?after=0&keepalive=0'))
    assert.equal(response.status, 200)
    assert.equal(response.headers.connection, 'close')
    assert.deepEqual(ids(JSON.parse(response.body) as FeedPage), [1, 2])
    await client.waitForEnd()
    await client.closed
  })

  test('resumes after a disconnect without a gap or a duplicate', async (t) => {
    const { app, port } = await startServer(t)
    const seen: number[] = []
    let cursor = 0
    for (let connection = 0; connection < 3; connection++) {
      // Events published while no connection is open must still arrive on the next one.
      publishTicks(app, 3)
      const client = await RawClient.connect(port)
      for (let poll = 0; poll < 2; poll++) {
        const page = JSON.parse((await client.request(client.get(`/feed/polling?after=${cursor}`))).body) as FeedPage
        seen.push(...ids(page))
        cursor = page.latest
        publishTicks(app, 1)
      }
      await client.close()
    }
    const last = await fetch(`http://127.0.0.1:${port}/feed/polling?after=${cursor}`)
    seen.push(...ids((await last.json()) as FeedPage))
    assert.deepEqual(seen, range(1, app.feed.latest))
    assert.equal(app.feed.latest, 15)
  })
})
