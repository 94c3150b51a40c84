import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FeedPage } from '../../src/shared/feed-event.ts'
import { publishTicks, range, startServer } from '../helper.ts'

async function getPage(url: string): Promise<FeedPage> {
  const response = await fetch(url)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/)
  return (await response.json()) as FeedPage
}

const ids = (page: FeedPage) => page.events.map((event) => event.id)

describe('ajax', () => {
  test('without a cursor answers the last 10 events and the latest id', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 14)
    const page = await getPage(`${url}/feed/ajax`)
    assert.deepEqual(ids(page), range(5, 14))
    assert.equal(page.latest, 14)
    assert.equal(page.reset, undefined)
  })

  test('answers exactly the events after the cursor, in order, as they were published', async (t) => {
    const { app, url } = await startServer(t)
    const events = publishTicks(app, 6)
    const page = await getPage(`${url}/feed/ajax?after=2`)
    assert.deepEqual(page, { events: events.slice(2), latest: 6 })
  })

  test('answers an empty list and the latest id when nothing is new', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 3)
    assert.deepEqual(await getPage(`${url}/feed/ajax?after=3`), { events: [], latest: 3 })
  })

  test('an empty feed answers { events: [], latest: 0 }', async (t) => {
    const { url } = await startServer(t)
    assert.deepEqual(await getPage(`${url}/feed/ajax`), { events: [], latest: 0 })
    assert.deepEqual(await getPage(`${url}/feed/ajax?after=0`), { events: [], latest: 0 })
  })

  test('a cursor older than the kept history gets the kept events and reset: true', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 12)
    const page = await getPage(`${url}/feed/ajax?after=2`)
    assert.equal(page.reset, true)
    assert.deepEqual(ids(page), range(8, 12))
    assert.equal(page.latest, 12)
  })

  test('a cursor ahead of the feed (the server restarted) gets reset: true', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 2)
    const page = await getPage(`${url}/feed/ajax?after=500`)
    assert.equal(page.reset, true)
    assert.deepEqual(ids(page), [1, 2])
  })

  test('a client that always sends its last id sees every event exactly once', async (t) => {
    const { app, url } = await startServer(t)
    const seen: number[] = []
    let cursor = 0
    for (let round = 0; round < 4; round++) {
      publishTicks(app, round)
      const page = await getPage(`${url}/feed/ajax?after=${cursor}`)
      seen.push(...ids(page))
      cursor = page.latest
    }
    assert.deepEqual(seen, range(1, 6))
  })
})
