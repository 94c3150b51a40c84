import { limits } from '../../shared/feed-event.ts'
import {
  isTickerPattern,
  type TickerPattern,
  type TickerSettings,
  tickerPatterns
} from '../../shared/ticker-settings.ts'
import { type BurstState, nextGapMs, type RandomSource, startOfBursts } from './arrivals.ts'
import type { FeedPublisher } from './feed-types.ts'

/** Further behind schedule than this (a stalled event loop), the ticker starts afresh instead of catching up. */
const maxLagMs = 1000

/** What a test may replace: the random source of the gaps and the clock (monotonic ms). */
export interface TickerSources {
  random?: RandomSource
  now?: () => number
}

/**
 * Publishes `tick` events into the feed at a mean rate, spread in time by a pattern
 * (random arrivals by default, see `arrivals.ts`), so every technique has something to
 * carry even when nobody chats. The value is a random walk: it only exists to make
 * successive events look different.
 */
export class Ticker {
  #feed: FeedPublisher
  /** Between `start()` and `stop()`: with several instances, only the one holding the lease ticks. */
  #running = false
  #settings: TickerSettings
  #random: RandomSource
  #now: () => number
  #timer: NodeJS.Timeout | undefined
  /** When the next tick is due (`#now()` ms): gaps add to this, so timer lateness does not lower the rate. */
  #dueAt = 0
  #burst: BurstState = startOfBursts()
  #value = 100
  #listeners = new Set<(settings: TickerSettings) => void>()

  constructor(feed: FeedPublisher, rate: number, pattern: TickerPattern = 'random', sources: TickerSources = {}) {
    this.#feed = feed
    this.#random = sources.random ?? Math.random
    this.#now = sources.now ?? (() => performance.now())
    this.#settings = { rate: Ticker.checkRate(rate), paused: false, pattern: Ticker.checkPattern(pattern) }
  }

  static checkRate(rate: number): number {
    if (!Number.isFinite(rate) || rate < 0 || rate > limits.feedRateMax) {
      throw new RangeError(`feed rate must be between 0 and ${limits.feedRateMax} events/s, got ${rate}`)
    }
    return rate
  }

  static checkPattern(pattern: unknown): TickerPattern {
    if (!isTickerPattern(pattern)) {
      throw new RangeError(`feed pattern must be one of ${tickerPatterns.join(', ')}, got ${String(pattern)}`)
    }
    return pattern
  }

  get settings(): TickerSettings {
    return { ...this.#settings }
  }

  /** Changes rate, pause and/or pattern while running; the next tick is drawn afresh from the new settings. */
  update(change: Partial<TickerSettings>): TickerSettings {
    const rate = change.rate === undefined ? this.#settings.rate : Ticker.checkRate(change.rate)
    const pattern = change.pattern === undefined ? this.#settings.pattern : Ticker.checkPattern(change.pattern)
    this.#settings = { rate, paused: change.paused ?? this.#settings.paused, pattern }
    this.#reschedule()
    for (const listener of this.#listeners) listener(this.settings)
    return this.settings
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: (settings: TickerSettings) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  start(): void {
    this.#running = true
    this.#reschedule()
  }

  stop(): void {
    this.#running = false
    this.#clearTimer()
  }

  /** Whether this ticker is the one ticking (it may still be paused or at rate 0). */
  get running(): boolean {
    return this.#running
  }

  #clearTimer(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #reschedule(): void {
    this.#clearTimer()
    const { rate, paused } = this.#settings
    if (!this.#running || paused || rate === 0) return
    this.#dueAt = this.#now()
    this.#burst = startOfBursts()
    this.#scheduleNext()
  }

  #scheduleNext(): void {
    const { rate, pattern } = this.#settings
    const now = this.#now()
    if (now - this.#dueAt > maxLagMs) this.#dueAt = now
    this.#dueAt += nextGapMs(pattern, rate, this.#random, this.#burst)
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#dueAt - now))
    // A ticker alone must not keep the process alive once the server has closed.
    this.#timer.unref()
  }

  #tick(): void {
    // Scheduled first: a subscriber that changes the ticker, or throws, still leaves exactly one timer.
    this.#scheduleNext()
    this.#value = Math.max(0, Math.round((this.#value + (Math.random() - 0.5) * 4) * 100) / 100)
    // A tick the shared store could not number never existed: nothing is lost, the next one tries again.
    Promise.resolve(this.#feed.publish('tick', { value: this.#value })).catch(() => {})
  }
}
