// One publish schedule for every bench server, and one definition of how late a publish was. The bare and peer
// servers publish through `PublishSchedule`; ours keeps its own ticker (the app's, 'steady' pattern), which
// schedules the same way, and the bench only measures it with `PublishLag`, so ours stays what `npm start` runs.
import { performance } from 'node:perf_hooks'

/** Further behind than this (a stalled event loop), the schedule starts afresh, as the app's ticker does. */
const maxBehindMs = 1000

/**
 * How late each publish came against its due time: the k-th publish since `start` is due at
 * `start + k × interval`. Lateness that a slow publisher never makes up keeps growing, so a
 * publisher below its rate shows it here too, not only in the events it published.
 */
export class PublishLag {
  #start: number
  #intervalMs: number
  #count = 0
  #sum = 0
  #max = 0

  /** `start`: `performance.now()` when publishing was asked for. */
  constructor(start: number, intervalMs: number) {
    this.#start = start
    this.#intervalMs = intervalMs
  }

  /** A publish happened at `at` (`performance.now()`). */
  record(at = performance.now()): void {
    // Nothing was asked to be published (rate 0): there is no due time to be late against.
    if (this.#intervalMs === 0) return
    this.#count++
    const late = Math.max(0, at - (this.#start + this.#count * this.#intervalMs))
    this.#sum += late
    this.#max = Math.max(this.#max, late)
  }

  get published(): number {
    return this.#count
  }

  /** Mean and max lateness over the publishes so far, ms. */
  get ms(): { mean: number; max: number } {
    return { mean: this.#count > 0 ? this.#sum / this.#count : 0, max: this.#max }
  }
}

/**
 * Calls `publish` `rate` times a second by due time (`due += interval`), not by a repeating timer
 * whose delays add up: a late timer publishes at once, and again for every publish it fell
 * behind, so the rate holds as long as the publisher can keep it.
 */
export class PublishSchedule {
  #publish: () => void
  #timer: NodeJS.Timeout | undefined
  #due = 0
  #intervalMs = 0
  lag = new PublishLag(0, 0)

  constructor(publish: () => void) {
    this.#publish = publish
  }

  /** Publishes from now on at `rate` a second; 0 publishes nothing (an idle feed). */
  start(rate: number): void {
    this.stop()
    const now = performance.now()
    this.#intervalMs = rate > 0 ? 1000 / rate : 0
    this.lag = new PublishLag(now, this.#intervalMs)
    this.#due = now
    if (rate > 0) this.#next()
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #next(): void {
    const now = performance.now()
    if (now - this.#due > maxBehindMs) this.#due = now
    this.#due += this.#intervalMs
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, this.#due - now))
  }

  #fire(): void {
    // Scheduled first, as the app's ticker does: one publish per timer, catching up one timer at a time.
    this.#next()
    this.lag.record()
    this.#publish()
  }
}
