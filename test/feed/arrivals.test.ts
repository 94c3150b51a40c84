import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { nextGapMs, type RandomSource, startOfBursts } from '../../src/server/feed/arrivals.ts'
import { burstShape, type TickerPattern } from '../../src/shared/ticker-settings.ts'
import { seededRandom } from './seeded-random.ts'

const events = 10_000

/** `count` successive gaps of one schedule, as the ticker would draw them. */
function gaps(pattern: TickerPattern, rate: number, random: RandomSource, count = events): number[] {
  const burst = startOfBursts()
  return Array.from({ length: count }, () => nextGapMs(pattern, rate, random, burst))
}

/** Events per second over the whole run: the number of events over the time they took. */
function meanRate(drawn: number[]): number {
  return drawn.length / (drawn.reduce((sum, gap) => sum + gap, 0) / 1000)
}

function share(drawn: number[], test: (gap: number) => boolean): number {
  return drawn.filter(test).length / drawn.length
}

describe('arrivals: random (Poisson)', () => {
  for (const rate of [1, 2, 20, 50])
    test(`keeps its mean rate, ${rate}/s, within 10 % over ${events} events`, () => {
      const measured = meanRate(gaps('random', rate, seededRandom(rate)))
      assert.ok(Math.abs(measured / rate - 1) < 0.1, `measured ${measured.toFixed(3)} events/s`)
    })

  test('keeps its mean rate with Math.random too', () => {
    const measured = meanRate(gaps('random', 1, Math.random))
    assert.ok(Math.abs(measured - 1) < 0.1, `measured ${measured.toFixed(3)} events/s`)
  })

  test('draws exponential gaps: about e^-1 of them are longer than the mean, e^-2 longer than twice it', () => {
    const drawn = gaps('random', 1, seededRandom(7))
    const overMean = share(drawn, (gap) => gap > 1000)
    const overTwice = share(drawn, (gap) => gap > 2000)
    assert.ok(Math.abs(overMean - Math.exp(-1)) < 0.02, `longer than the mean: ${overMean}`)
    assert.ok(Math.abs(overTwice - Math.exp(-2)) < 0.015, `longer than twice the mean: ${overTwice}`)
    // The memoryless spread a metronome lacks: many gaps are much shorter than the mean.
    assert.ok(share(drawn, (gap) => gap < 100) > 0.08, 'about 10 % under a tenth of the mean')
  })

  test('the same seed gives the same gaps', () => {
    assert.deepEqual(gaps('random', 3, seededRandom(42), 50), gaps('random', 3, seededRandom(42), 50))
  })
})

describe('arrivals: bursts', () => {
  for (const rate of [1, 2, 20, 50])
    test(`keep their mean rate, ${rate}/s, within 10 % over ${events} events`, () => {
      const measured = meanRate(gaps('bursts', rate, seededRandom(100 + rate)))
      assert.ok(Math.abs(measured / rate - 1) < 0.1, `measured ${measured.toFixed(3)} events/s`)
    })

  test('at 1 event/s: most gaps are 50–150 ms inside a burst of 3–6, the others long quiet stretches', () => {
    const drawn = gaps('bursts', 1, seededRandom(5))
    const short = drawn.filter((gap) => gap < 200)
    const long = drawn.filter((gap) => gap >= 200)
    assert.ok(short.length / drawn.length > 0.7, `short: ${short.length}`)
    assert.ok(long.length / drawn.length > 0.15, `long: ${long.length}`)
    for (const gap of short) assert.ok(gap >= 50 && gap <= 150, `inside a burst: ${gap} ms`)
    for (const gap of long) assert.ok(gap >= 1000, `quiet: ${gap} ms`)
    // A burst is the events after a quiet gap up to the next one.
    const sizes: number[] = []
    for (const gap of drawn) {
      if (gap >= 200) sizes.push(1)
      else if (sizes.length > 0) sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + 1
    }
    sizes.pop() // the last burst may be cut off by the end of the run
    assert.deepEqual([Math.min(...sizes), Math.max(...sizes)], [burstShape.minEvents, burstShape.maxEvents])
  })

  test('at the highest rate a burst still stays tighter than its quiet gaps', () => {
    const drawn = gaps('bursts', 50, seededRandom(9))
    const shortest = Math.min(...drawn)
    assert.ok(shortest >= 2.5, `${shortest} ms`)
    assert.ok(share(drawn, (gap) => gap <= 7.5) > 0.7, 'inside a burst: a quarter of the 20 ms mean, ±50 %')
    assert.ok(share(drawn, (gap) => gap > 20) > 0.15, 'quiet gaps longer than the mean')
  })
})

describe('arrivals: steady', () => {
  for (const rate of [0.5, 1, 3, 50])
    test(`every gap is exactly 1000/${rate} ms`, () => {
      for (const gap of gaps('steady', rate, seededRandom(1), 100)) assert.equal(gap, 1000 / rate)
    })
})

describe('arrivals: rate 0', () => {
  for (const pattern of ['random', 'steady', 'bursts'] as const)
    test(`${pattern} never comes: the gap is infinite`, () => {
      assert.equal(nextGapMs(pattern, 0, seededRandom(1)), Number.POSITIVE_INFINITY)
    })
})
