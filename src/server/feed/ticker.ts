import { limits } from '../../shared/feed-event.ts'
import type { TickerSettings } from '../../shared/ticker-settings.ts'
import type { Feed } from './feed.ts'

/**
 * Publishes `tick` events into the feed at a steady rate, so every technique has
 * something to carry even when nobody chats. The value is a random walk: it only
 * exists to make successive events look different.
 */
export class Ticker {
  #feed: Feed
  #settings: TickerSettings
  #timer: NodeJS.Timeout | undefined
  #value = 100
  #listeners = new Set<(settings: TickerSettings) => void>()

  constructor(feed: Feed, rate: number) {
    this.#feed = feed
    this.#settings = { rate: Ticker.checkRate(rate), paused: false }
  }

  static checkRate(rate: number): number {
    if (!Number.isFinite(rate) || rate < 0 || rate > limits.feedRateMax) {
      throw new RangeError(`feed rate must be between 0 and ${limits.feedRateMax} events/s, got ${rate}`)
    }
    return rate
  }

  get settings(): TickerSettings {
    return { ...this.#settings }
  }

  /** Changes rate and/or pause while running; the new rate applies from the next tick. */
  update(change: Partial<TickerSettings>): TickerSettings {
    if (change.rate !== undefined) this.#settings.rate = Ticker.checkRate(change.rate)
    if (change.paused !== undefined) this.#settings.paused = change.paused
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
    this.#reschedule()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #reschedule(): void {
    this.stop()
    const { rate, paused } = this.#settings
    if (paused || rate === 0) return
    this.#timer = setInterval(() => this.#tick(), 1000 / rate)
    // A ticker alone must not keep the process alive once the server has closed.
    this.#timer.unref()
  }

  #tick(): void {
    this.#value = Math.max(0, Math.round((this.#value + (Math.random() - 0.5) * 4) * 100) / 100)
    this.#feed.publish('tick', { value: this.#value })
  }
}
