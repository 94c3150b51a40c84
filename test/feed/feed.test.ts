import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Feed } from '../../src/server/feed/feed.ts'
import { limits } from '../../src/shared/feed-event.ts'
import { range } from '../helper.ts'

/** For a healthy subscriber: it is never told of a failure (its missing events would show it too). */
const unexpected = (error: unknown) => assert.fail(String(error))

function feedWith(count: number, capacity = 1000): Feed {
  const feed = new Feed({ capacity })
  for (let i = 0; i < count; i++) feed.publish('tick', { value: i })
  return feed
}

const ids = (events: { id: number }[]) => events.map((event) => event.id)

describe('Feed', () => {
  test('numbers events 1, 2, 3, … and stamps them with its clock', () => {
    let now = 1000
    const feed = new Feed({ clock: () => now++ })
    assert.equal(feed.latest, 0)
    const first = feed.publish('tick', { value: 1 })
    const second = feed.publish('chat', { text: 'hi' })
    assert.deepEqual(first, { id: 1, at: 1000, kind: 'tick', data: { value: 1 } })
    assert.deepEqual(second, { id: 2, at: 1001, kind: 'chat', data: { text: 'hi' } })
    assert.equal(feed.latest, 2)
  })

  test('refuses a capacity that is not a positive integer', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new Feed({ capacity }), RangeError)
  })

  test('an empty feed has nothing to give, and no reset for cursor 0', () => {
    const feed = new Feed()
    assert.deepEqual(feed.since(undefined), { events: [], reset: false })
    assert.deepEqual(feed.since(0), { events: [], reset: false })
  })

  test(`gives a client without a cursor the last ${limits.backlog} events`, () => {
    const feed = feedWith(25)
    const { events, reset } = feed.since(undefined)
    assert.deepEqual(ids(events), range(16, 25))
    assert.equal(reset, false)
  })

  test('gives fewer than the backlog when the feed is young', () => {
    assert.deepEqual(ids(feedWith(3).since(undefined).events), [1, 2, 3])
  })

  test('gives exactly the events after a cursor, in order', () => {
    const feed = feedWith(8)
    assert.deepEqual(feed.since(5), { events: feed.recent(3), reset: false })
    assert.deepEqual(ids(feed.since(0).events), range(1, 8))
    assert.deepEqual(feed.since(8), { events: [], reset: false })
  })

  test('keeps only `capacity` events, as a ring buffer', () => {
    const feed = feedWith(12, 5)
    assert.equal(feed.oldest, 8)
    assert.deepEqual(ids(feed.since(7).events), range(8, 12))
    assert.deepEqual(ids(feed.recent(100)), range(8, 12))
  })

  test('a cursor older than the kept history gets the kept events and a reset', () => {
    const feed = feedWith(12, 5)
    // Cursor 7 is the oldest cursor that can still be served without a gap.
    assert.equal(feed.since(7).reset, false)
    for (const cursor of [0, 3, 6]) {
      const { events, reset } = feed.since(cursor)
      assert.equal(reset, true, `cursor ${cursor}`)
      assert.deepEqual(ids(events), range(8, 12))
    }
  })

  test('a cursor ahead of the feed (the server restarted) gets the kept events and a reset', () => {
    const feed = feedWith(3)
    const { events, reset } = feed.since(40)
    assert.equal(reset, true)
    assert.deepEqual(ids(events), [1, 2, 3])
  })

  test('page() is the pull answer: `reset` appears only when true', () => {
    const feed = feedWith(12, 5)
    assert.deepEqual(Object.keys(feed.page(10)).sort(), ['events', 'latest'])
    assert.deepEqual(feed.page(10).latest, 12)
    assert.equal(feed.page(1).reset, true)
  })

  test('recent(n) gives the newest n events, newest last', () => {
    assert.deepEqual(ids(feedWith(30).recent(4)), [27, 28, 29, 30])
  })

  test('tells every subscriber about each new event until it unsubscribes', () => {
    const feed = new Feed()
    const seen: number[] = []
    const unsubscribe = feed.subscribe((event) => seen.push(event.id), unexpected)
    assert.equal(feed.subscriberCount, 1)
    feed.publish('tick', {})
    feed.publish('tick', {})
    unsubscribe()
    feed.publish('tick', {})
    assert.deepEqual(seen, [1, 2])
    assert.equal(feed.subscriberCount, 0)
  })

  test('a subscriber that throws is unsubscribed and told why; the others still get every event', () => {
    const feed = new Feed()
    const seen: number[] = []
    const failures: unknown[] = []
    feed.subscribe(
      () => {
        throw new Error('broken subscriber')
      },
      (error) => failures.push(error)
    )
    feed.subscribe((event) => seen.push(event.id), unexpected)
    feed.publish('tick', {})
    feed.publish('tick', {})
    assert.deepEqual(seen, [1, 2])
    assert.equal(failures.length, 1, 'told once, then no longer subscribed')
    assert.match(String(failures[0]), /broken subscriber/)
    assert.equal(feed.subscriberCount, 1)
  })

  test('a failure handler that throws too stops neither the publish nor the others', () => {
    const feed = new Feed()
    const seen: number[] = []
    feed.subscribe(
      () => {
        throw new Error('broken subscriber')
      },
      () => {
        throw new Error('broken clean-up')
      }
    )
    feed.subscribe((event) => seen.push(event.id), unexpected)
    assert.equal(feed.publish('tick', {}).id, 1)
    assert.deepEqual(seen, [1])
  })

  test('a subscriber may unsubscribe while being told, and the others are still told', () => {
    const feed = new Feed()
    const seen: string[] = []
    const unsubscribe = feed.subscribe(() => {
      seen.push('a')
      unsubscribe()
    }, unexpected)
    feed.subscribe(() => seen.push('b'), unexpected)
    feed.publish('tick', {})
    feed.publish('tick', {})
    assert.deepEqual(seen, ['a', 'b', 'b'])
  })
})
