import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Feed } from '../../src/server/feed/feed.ts'
import { Ticker } from '../../src/server/feed/ticker.ts'
import { limits } from '../../src/shared/feed-event.ts'
import type { TickerPattern } from '../../src/shared/ticker-settings.ts'
import { seededRandom } from './seeded-random.ts'

/** A ticker on a fresh feed, with the clock under the test's control. */
function setup(t: import('node:test').TestContext, rate: number, pattern: TickerPattern = 'steady') {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
  const feed = new Feed()
  const ticker = new Ticker(feed, rate, pattern, { random: seededRandom(rate), now: () => Date.now() })
  t.after(() => ticker.stop())
  // Mocked timers run only what is due when `tick` is called, so a chain of timeouts is walked 1 ms at a time.
  const advance = (ms: number) => {
    for (let i = 0; i < ms; i++) t.mock.timers.tick(1)
  }
  return { feed, ticker, advance }
}

/** Resolves after `ms` of real time. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Ticker', () => {
  test('starts random (Poisson arrivals) unless told otherwise', () => {
    const ticker = new Ticker(new Feed(), 1)
    assert.deepEqual(ticker.settings, { rate: 1, paused: false, pattern: 'random' })
  })

  test('steady: publishes `rate` tick events per second once started, one every 1000/rate ms', (t) => {
    const { feed, ticker, advance } = setup(t, 4)
    advance(1000)
    assert.equal(feed.latest, 0, 'nothing before start()')
    ticker.start()
    advance(249)
    assert.equal(feed.latest, 0)
    advance(1)
    assert.equal(feed.latest, 1)
    advance(750)
    assert.equal(feed.latest, 4)
    const event = feed.recent(1)[0]
    assert.equal(event?.kind, 'tick')
    assert.equal(typeof event?.data.value, 'number')
  })

  test('random: about `rate` events per second over a long run, at irregular gaps', (t) => {
    const { feed, ticker, advance } = setup(t, 5, 'random')
    ticker.start()
    const perSecond: number[] = []
    for (let second = 0; second < 200; second++) {
      const before = feed.latest
      advance(1000)
      perSecond.push(feed.latest - before)
    }
    assert.ok(Math.abs(feed.latest / 1000 - 1) < 0.1, `${feed.latest} events in 200 s at 5/s`)
    assert.ok(new Set(perSecond).size > 3, `seconds differ: ${perSecond.slice(0, 10).join(', ')}…`)
  })

  test('bursts: the same mean rate over a long run', (t) => {
    const { feed, ticker, advance } = setup(t, 2, 'bursts')
    ticker.start()
    advance(300_000)
    assert.ok(Math.abs(feed.latest / 600 - 1) < 0.1, `${feed.latest} events in 300 s at 2/s`)
  })

  for (const pattern of ['random', 'steady', 'bursts'] as const)
    test(`rate 0 publishes nothing (${pattern})`, (t) => {
      const { feed, ticker, advance } = setup(t, 0, pattern)
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
    assert.deepEqual(ticker.settings, { rate: limits.feedRateMax, paused: false, pattern: 'steady' })
  })

  test('accepts only the three patterns, and a refused change changes nothing', (t) => {
    const { ticker } = setup(t, 3)
    assert.throws(() => new Ticker(new Feed(), 1, 'jazzy' as TickerPattern), /random, steady, bursts/)
    assert.throws(() => ticker.update({ rate: 5, pattern: 'jazzy' as TickerPattern }), RangeError)
    assert.deepEqual(ticker.settings, { rate: 3, paused: false, pattern: 'steady' })
    assert.deepEqual(ticker.update({ pattern: 'bursts' }), { rate: 3, paused: false, pattern: 'bursts' })
  })

  test('pausing stops the ticks and resuming starts them again', (t) => {
    const { feed, ticker, advance } = setup(t, 10)
    ticker.start()
    advance(500)
    assert.equal(feed.latest, 5)
    assert.deepEqual(ticker.update({ paused: true }), { rate: 10, paused: true, pattern: 'steady' })
    advance(2000)
    assert.equal(feed.latest, 5)
    ticker.update({ paused: false })
    advance(300)
    assert.equal(feed.latest, 8)
  })

  test('a new rate or pattern applies from the next tick', (t) => {
    const { feed, ticker, advance } = setup(t, 1)
    ticker.start()
    advance(1000)
    assert.equal(feed.latest, 1)
    assert.deepEqual(ticker.update({ rate: 20 }), { rate: 20, paused: false, pattern: 'steady' })
    advance(1000)
    assert.equal(feed.latest, 21)
    ticker.update({ pattern: 'random' })
    advance(100_000)
    assert.ok(Math.abs((feed.latest - 21) / 2000 - 1) < 0.1, `${feed.latest - 21} events in 100 s at 20/s`)
  })

  test('tells its listeners every change, until they stop listening', (t) => {
    const { ticker } = setup(t, 1)
    const seen: string[] = []
    const stopListening = ticker.onChange((settings) => seen.push(settings.pattern))
    ticker.update({ pattern: 'bursts' })
    stopListening()
    ticker.update({ pattern: 'random' })
    assert.deepEqual(seen, ['bursts'])
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
    settings.pattern = 'bursts'
    assert.deepEqual(ticker.settings, { rate: 3, paused: false, pattern: 'steady' })
  })
})

describe('Ticker on real timers', () => {
  test('publishes about 30 events in 1.5 s at 20 events/s in every pattern, and none once paused or stopped', async (t) => {
    const tickers = (['random', 'steady', 'bursts'] as const).map((pattern) => {
      const feed = new Feed()
      const ticker = new Ticker(feed, 20, pattern)
      t.after(() => ticker.stop())
      return { pattern, feed, ticker }
    })
    for (const { ticker } of tickers) ticker.start()
    await sleep(1500)
    t.diagnostic(tickers.map(({ pattern, feed }) => `${pattern} ${feed.latest}`).join(', '))
    for (const { pattern, feed } of tickers)
      assert.ok(feed.latest >= 12 && feed.latest <= 55, `${pattern}: ${feed.latest} events in 1.5 s`)
    const [random, steady, bursts] = tickers
    assert.ok(steady && steady.feed.latest >= 27 && steady.feed.latest <= 31, `steady: ${steady?.feed.latest}`)

    random?.ticker.update({ paused: true })
    steady?.ticker.stop()
    bursts?.ticker.update({ rate: 0 })
    const counts = tickers.map(({ feed }) => feed.latest)
    await sleep(300)
    assert.deepEqual(
      tickers.map(({ feed }) => feed.latest),
      counts
    )
  })
})
