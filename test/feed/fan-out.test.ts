import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { FanOut } from '../../src/server/feed/fan-out.ts'
import { Feed } from '../../src/server/feed/feed.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'

/** For a healthy subscriber: it is never told of a failure (its missing events would show it too). */
const unexpected = (error: unknown) => assert.fail(String(error))

const ids = (events: FeedEvent[]) => events.map((event) => event.id)
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))
async function passesDone(): Promise<void> {
  for (let i = 0; i < 20; i++) await nextTurn()
}

describe('FanOut', () => {
  test('every member gets every event after its cursor, once and in order', async () => {
    const feed = new Feed()
    feed.publish('tick', { value: 0 })
    const got: number[][] = [[], [], []]
    for (const [index, received] of got.entries())
      feed.join(index === 2 ? 0 : 1, (events) => received.push(...ids(events)), unexpected)
    for (let i = 0; i < 5; i++) feed.publish('tick', { value: i })
    await passesDone()
    assert.deepEqual(
      got,
      [
        [2, 3, 4, 5, 6],
        [2, 3, 4, 5, 6],
        [1, 2, 3, 4, 5, 6]
      ],
      'joined at cursor 0: event 1 too'
    )
  })

  test('serves the members in slices, and those reached late take the newer events in the same delivery', async () => {
    const feed = {
      latest: 0,
      events: [] as FeedEvent[],
      since: (cursor: number) => ({ events: feed.events.filter((event) => event.id > cursor), reset: false })
    }
    const fanOut = new FanOut(feed, { sliceSize: 2 })
    const publish = () => {
      feed.latest++
      feed.events.push({ id: feed.latest, at: 0, kind: 'tick', data: {} })
      fanOut.published()
    }
    const deliveries: number[][][] = Array.from({ length: 6 }, () => [])
    for (const received of deliveries) fanOut.join(0, (events) => received.push(ids(events)), unexpected)
    publish() // the first slice runs now, the rest after the event loop turns
    assert.deepEqual(
      deliveries.map((received) => received.length),
      [1, 1, 0, 0, 0, 0]
    )
    publish() // lands while the pass is on its way
    await passesDone()
    assert.deepEqual(
      deliveries.slice(0, 2),
      [
        [[1], [2]],
        [[1], [2]]
      ],
      'served early: event 2 comes in the next pass'
    )
    assert.deepEqual(deliveries.slice(2), [[[1, 2]], [[1, 2]], [[1, 2]], [[1, 2]]], 'served late: both in one delivery')
  })

  test('a member that leaves mid-pass gets nothing more', async () => {
    const feed = new Feed()
    const left: number[] = []
    const leave = feed.join(0, (events) => left.push(...ids(events)), unexpected)
    const kept: number[] = []
    feed.join(0, (events) => kept.push(...ids(events)), unexpected)
    feed.publish('tick', {})
    leave()
    feed.publish('tick', {})
    await passesDone()
    assert.deepEqual(left, [1])
    assert.deepEqual(kept, [1, 2])
    assert.equal(feed.subscriberCount, 1)
  })

  test('a member whose delivery throws leaves and is told why; the others get every event, in order', async () => {
    const feed = new Feed()
    const failures: unknown[] = []
    let deliveries = 0
    feed.join(
      0,
      () => {
        deliveries++
        throw new Error('broken socket')
      },
      (error) => failures.push(error)
    )
    const kept: number[] = []
    feed.join(0, (events) => kept.push(...ids(events)), unexpected)
    for (let i = 0; i < 3; i++) {
      feed.publish('tick', {})
      await passesDone()
    }
    assert.deepEqual(kept, [1, 2, 3])
    assert.equal(deliveries, 1, 'no delivery after the failure')
    assert.equal(failures.length, 1)
    assert.match(String(failures[0]), /broken socket/)
    assert.equal(feed.subscriberCount, 1)
  })
})
