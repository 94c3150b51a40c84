import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ArrivalLog } from '../../src/client/delivery/arrival-log.ts'
import { DeliveryStats, LatencyStats, percentileOf } from '../../src/client/delivery/delivery-stats.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'

const sameClock = (at: number) => at

function events(...pairs: [id: number, at: number][]): FeedEvent[] {
  return pairs.map(([id, at]) => ({ id, at, kind: 'tick', data: { value: 1 } }))
}

describe('DeliveryStats', () => {
  test('counts new events, gaps between two received and duplicates of ids already seen', () => {
    const stats = new DeliveryStats()
    stats.receive(events([1, 0], [2, 0]), 10, sameClock)
    stats.receive(events([5, 0], [2, 0], [5, 0], [6, 0]), 20, sameClock)
    assert.equal(stats.events, 4)
    assert.equal(stats.gaps, 2, 'ids 3 and 4 were skipped')
    assert.equal(stats.duplicates, 2)
    assert.equal(stats.newest, 6)
  })

  test('returns only the new events, each with its latency when it is timed', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000)
    const fresh = stats.receive(events([1, 900], [2, 1_100], [2, 1_100]), 1_250, sameClock)
    assert.deepEqual(
      fresh.map((delivery) => [delivery.id, delivery.uncorrectedLatency]),
      [
        [1, undefined],
        [2, 150]
      ],
      'an event published before timing began says nothing about delivery speed'
    )
    assert.equal(stats.latency.count, 1)
  })

  test('judges "published before timing began" on the browser clock', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000)
    // The server's clock runs 500 ms ahead: its 1,400 is the browser's 900, before timing began.
    const fresh = stats.receive(events([1, 1_400]), 1_600, (at) => at - 500)
    assert.equal(fresh[0]?.uncorrectedLatency, undefined)
  })

  test('takes percentiles by nearest rank over what it keeps', () => {
    const latency = new LatencyStats(4)
    for (const ms of [100, 1, 2, 3, 4]) latency.add(ms)
    assert.equal(latency.count, 4, 'the oldest sample is dropped')
    assert.equal(latency.percentile(50), 2)
    assert.equal(latency.percentile(95), 4)
    latency.clear()
    assert.equal(latency.percentile(50), undefined)
  })

  test('ranks a median as the middle value, the lower one of an even count', () => {
    assert.equal(percentileOf([], 50), undefined)
    assert.equal(percentileOf([3, 1, 2], 50), 2)
    assert.equal(percentileOf([4, 1, 3, 2], 50), 2)
  })

  test('counts what has not been shown yet from the feed it first heard of', () => {
    const stats = new DeliveryStats()
    assert.equal(stats.unseen(40), 0, 'the feed as the page found it is the zero')
    assert.equal(stats.unseen(43), 3)
    stats.receive(events([42, 0]), 0, sameClock)
    assert.equal(stats.unseen(43), 1)
  })
})

describe('ArrivalLog', () => {
  test('keeps the timed deliveries and empty answers of its window only', () => {
    const log = new ArrivalLog(1_000)
    log.add(
      [
        { id: 1, publishedAt: 0, receivedAt: 100, uncorrectedLatency: 100 },
        { id: 2, publishedAt: 0, receivedAt: 100, uncorrectedLatency: undefined }
      ],
      100
    )
    log.addEmptyAnswer(600)
    log.add([{ id: 3, publishedAt: 900, receivedAt: 1_500, uncorrectedLatency: 600 }], 1_500)
    assert.deepEqual(
      log.deliveries.map((delivery) => delivery.id),
      [3],
      'untimed events are not drawn, and what arrived before 500 is gone'
    )
    assert.deepEqual(log.emptyAnswers, [600])
    log.trim(2_000)
    assert.deepEqual(log.emptyAnswers, [])
  })
})
