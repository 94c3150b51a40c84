import { burstShape, type TickerPattern } from '../../shared/ticker-settings.ts'

/** Uniform numbers in [0, 1), as `Math.random` gives them; a seeded one makes a schedule repeatable. */
export type RandomSource = () => number

/** Where a `bursts` schedule is: how many events of the current burst are still to come. */
export interface BurstState {
  left: number
}

/** A fresh `bursts` schedule: the next gap is a quiet one, then a burst starts. */
export function startOfBursts(): BurstState {
  return { left: 0 }
}

/**
 * The gap in ms before the next tick, for `pattern` at a mean of `rate` events/s; Infinity at
 * rate 0. Pure but for `random` and `burst` (which it advances), so a test can draw 10,000
 * gaps in no time.
 */
export function nextGapMs(
  pattern: TickerPattern,
  rate: number,
  random: RandomSource = Math.random,
  burst: BurstState = startOfBursts()
): number {
  if (!(rate > 0)) return Number.POSITIVE_INFINITY
  const meanMs = 1000 / rate
  switch (pattern) {
    case 'steady':
      return meanMs
    case 'random':
      // Inverse transform of the exponential; 1 - u is in (0, 1], so the log is finite.
      return -Math.log(1 - random()) * meanMs
    case 'bursts':
      return burstGapMs(meanMs, random, burst)
  }
}

/**
 * A burst of 3–6 events about 100 ms apart, then a quiet gap long enough that a whole cycle
 * lasts as long as its events would at the mean rate. At high rates a burst's gaps shrink to a
 * quarter of the mean gap, so the quiet part stays longer than the burst.
 */
function burstGapMs(meanMs: number, random: RandomSource, burst: BurstState): number {
  const insideMs = Math.min(burstShape.gapMs, meanMs / 4)
  if (burst.left > 0) {
    burst.left -= 1
    return insideMs * (0.5 + random())
  }
  const sizes = burstShape.maxEvents - burstShape.minEvents + 1
  const size = burstShape.minEvents + Math.min(sizes - 1, Math.floor(random() * sizes))
  burst.left = size - 1
  // Mean cycle: meanSize events take meanSize × meanMs; (meanSize − 1) inside gaps are in it.
  const meanSize = (burstShape.minEvents + burstShape.maxEvents) / 2
  const quietMeanMs = meanSize * meanMs - (meanSize - 1) * insideMs
  return quietMeanMs * (0.5 + random())
}
