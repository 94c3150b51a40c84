import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ArrivalLog } from '../../src/client/delivery/arrival-log.ts'
import { DeliveryStats, LatencyStats, percentileOf, perEventWhileOn } from '../../src/client/delivery/delivery-stats.ts'
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
    assert.equal(stats.publishedWhileOn, 0, 'nor was it published while the technique was on')
  })

  test('counts per event only events published while on: the catch-up of the first answer stands apart', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000)
    // The first answer brings three events from before the switch-on, and one published since.
    stats.receive(events([1, 700], [2, 800], [3, 900], [4, 1_100]), 1_150, sameClock)
    stats.receive(events([5, 1_300]), 1_310, sameClock)
    assert.equal(stats.events, 5)
    assert.equal(stats.publishedWhileOn, 2)
    assert.equal(stats.catchUp, 3)
    assert.equal(perEventWhileOn(900, stats), 450, 'all the bytes, the catch-up’s too, over the two new events')
  })

  test('has no per-event cost while only catch-up has come, as Manual refresh before a reload', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000, { firstAnswerIsCatchUp: true })
    // The page's first load: the latest events, one published while its request was on the way.
    stats.receive(events([8, 600], [9, 700], [10, 1_040]), 1_050, sameClock)
    assert.equal(stats.catchUp, 3, 'a first answer is the feed as it was, however fast it came')
    assert.equal(stats.latency.count, 1, 'though how long id 10 waited for it is still a latency')
    assert.equal(perEventWhileOn(5_000, stats), undefined, 'shown as –, not 5,000 ÷ 3')
    // A reload: the same events again (duplicates, never new) and one published since.
    stats.receive(events([9, 700], [10, 1_040], [11, 2_000]), 2_100, sameClock)
    assert.equal(stats.duplicates, 2)
    assert.equal(stats.publishedWhileOn, 1)
    assert.equal(perEventWhileOn(10_000, stats), 10_000)
  })

  test('after an empty first answer, the next event a technique that asks gets is new', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000, { firstAnswerIsCatchUp: true })
    stats.emptyAnswer()
    stats.receive(events([1, 1_500]), 1_600, sameClock)
    assert.equal(stats.publishedWhileOn, 1)
    assert.equal(stats.latency.count, 1)
  })

  test('switched off and on, adds up the events published while on; what came out while off is catch-up', () => {
    const stats = new DeliveryStats()
    stats.timeFrom(1_000)
    stats.receive(events([1, 1_100], [2, 1_200]), 1_210, sameClock)
    // Switched off at 1,300 and on again at 2,000: the resumed cursor brings id 3, published while it was off.
    stats.timeFrom(2_000)
    stats.receive(events([3, 1_500]), 2_050, sameClock)
    stats.receive(events([4, 2_100]), 2_110, sameClock)
    assert.equal(stats.publishedWhileOn, 3, 'ids 1, 2 and 4: both times on, as the byte counters add up both')
    assert.equal(stats.catchUp, 1)
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
