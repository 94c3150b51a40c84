import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Feed } from '../../src/server/feed/feed.ts'
import { Ticker } from '../../src/server/feed/ticker.ts'
import { limits } from '../../src/shared/feed-event.ts'

/** A ticker on a fresh feed, with the clock under the test's control. */
function setup(t: import('node:test').TestContext, rate: number) {
  t.mock.timers.enable({ apis: ['setInterval'] })
  const feed = new Feed()
  const ticker = new Ticker(feed, rate)
  t.after(() => ticker.stop())
  return { feed, ticker, advance: (ms: number) => t.mock.timers.tick(ms) }
}

describe('Ticker', () => {
  test('publishes `rate` tick events per second once started', (t) => {
    const { feed, ticker, advance } = setup(t, 4)
    advance(1000)
    assert.equal(feed.latest, 0, 'nothing before start()')
    ticker.start()
    advance(1000)
    assert.equal(feed.latest, 4)
    const event = feed.recent(1)[0]
    assert.equal(event?.kind, 'tick')
    assert.equal(typeof event?.data.value, 'number')
  })

  test('rate 0 publishes nothing', (t) => {
    const { feed, ticker, advance } = setup(t, 0)
    ticker.start()
    advance(10_000)
    assert.equal(feed.latest, 0)
  })

  test(`accepts at most ${limits.feedRateMax} events per second, and no negative or non-finite rate`, (t) => {
    const { feed, ticker, advance } = setup(t, limits.feedRateMax)
    ticker.start()
    advance(1000)
    assert.equal(feed.latest, limits.feedRateMax)
    for (const rate of [limits.feedRateMax + 1, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => new Ticker(feed, rate), RangeError, `new Ticker(rate ${rate})`)
      assert.throws(() => ticker.update({ rate }), RangeError, `update(rate ${rate})`)
    }
    assert.deepEqual(ticker.settings, { rate: limits.feedRateMax, paused: false })
  })

  test('pausing stops the ticks and resuming starts them again', (t) => {
    const { feed, ticker, advance } = setup(t, 10)
    ticker.start()
    advance(500)
    assert.equal(feed.latest, 5)
    assert.deepEqual(ticker.update({ paused: true }), { rate: 10, paused: true })
    advance(2000)
    assert.equal(feed.latest, 5)
    ticker.update({ paused: false })
    advance(300)
    assert.equal(feed.latest, 8)
  })

  test('a new rate applies from the next tick', (t) => {
    const { feed, ticker, advance } = setup(t, 1)
    ticker.start()
    advance(1000)
    assert.equal(feed.latest, 1)
    assert.deepEqual(ticker.update({ rate: 20 }), { rate: 20, paused: false })
    advance(1000)
    assert.equal(feed.latest, 21)
  })

  test('stop() ends the ticks', (t) => {
    const { feed, ticker, advance } = setup(t, 10)
    ticker.start()
    advance(200)
    ticker.stop()
    advance(2000)
    assert.equal(feed.latest, 2)
  })

  test('settings are a copy: changing them does not change the ticker', (t) => {
    const { ticker } = setup(t, 3)
    const settings = ticker.settings
    settings.rate = 40
    assert.equal(ticker.settings.rate, 3)
  })
})
