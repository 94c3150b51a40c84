import type { FeedEvent } from '../../shared/feed-event.ts'

/** Latencies kept for the percentiles: the last this many timed events. */
const latenciesKept = 500

/** The delivery latencies measured, the last `kept` of them, and their percentiles. */
export class LatencyStats {
  #samples: number[] = []
  #kept: number

  constructor(kept = latenciesKept) {
    this.#kept = kept
  }

  add(ms: number): void {
    this.#samples.push(ms)
    if (this.#samples.length > this.#kept) this.#samples.shift()
  }

  /** Forgets every latency (a new technique starts its own measurement). */
  clear(): void {
    this.#samples = []
  }

  get count(): number {
    return this.#samples.length
  }

  /** Nearest-rank percentile (p in 0–100), or undefined with no samples. */
  percentile(p: number): number | undefined {
    return percentileOf(this.#samples, p)
  }
}

/** Nearest-rank percentile (p in 0–100) of `values`, or undefined without values: how every figure here ranks. */
export function percentileOf(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = values.toSorted((a, b) => a - b)
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** One new event as it reached this page. */
export interface Delivery {
  id: number
  /** Server clock when the feed published it, epoch ms. */
  publishedAt: number
  /** Browser clock when it arrived, epoch ms. */
  receivedAt: number
  /** Arrival minus publication before the clock correction, ms; undefined when not timed (see `DeliveryStats`). */
  uncorrectedLatency: number | undefined
}

/**
 * A cost per event: `total` (bytes, requests) ÷ the events published while the technique was on,
 * or undefined before there is one. The catch-up a first answer brings is not divided by: it says
 * what the feed had before, not what the technique costs to keep up.
 */
export function perEventWhileOn(total: number, stats: Pick<DeliveryStats, 'publishedWhileOn'>): number | undefined {
  return stats.publishedWhileOn > 0 ? total / stats.publishedWhileOn : undefined
}

/**
 * What a page can tell from the events it received by one technique: new events, gaps (ids
 * skipped between two that arrived), duplicates (an id not newer than the newest seen), latency
 * percentiles and how far behind the feed it is. The panels, the race view and the use cases
 * all count with this, so the same delivery gives the same figures everywhere.
 *
 * Latency is kept uncorrected (browser arrival minus server timestamp); callers add the clock
 * offset when they show it, as the offset improves with more samples. Only events published
 * after `timeFrom` are timed: a backlog or a reload's repeats say nothing about delivery speed.
 * The same events, less those of a first answer that `timeFrom` says is all catch-up, are
 * `publishedWhileOn`, what a per-event cost divides by; the others are the `catchUp`. A first
 * answer's late events are still timed: how long they waited for the asking is a latency worth
 * showing (Manual AJAX's first Update), but what the feed already had is no cost per event.
 */
export class DeliveryStats {
  /** New events received. */
  events = 0
  /**
   * Of `events`, those published while the technique was on: at or after the latest `timeFrom`
   * when they arrived (the browser clock, as for latency), and not in a first answer that
   * `timeFrom` said is all catch-up. Summed over every time it was on, as the wire's byte
   * counters are; an event published while it was off arrives after the next switch-on, as catch-up.
   */
  publishedWhileOn = 0
  gaps = 0
  duplicates = 0
  /** Newest id received, if any. */
  newest: number | undefined
  readonly latency = new LatencyStats()
  /** Browser clock (epoch ms) from which published events are timed. */
  #timeFrom = 0
  /** Whether the next delivery is a first answer, all of it catch-up. */
  #firstAnswerPending = false
  /** The feed's newest id when this page first heard of it: the zero of "not shown yet". */
  #baseline: number | undefined

  /**
   * Of `events`, those published before the technique was switched on, which a first answer
   * brought (the backlog, a page's latest events): its catch-up, not counted per event.
   */
  get catchUp(): number {
    return this.events - this.publishedWhileOn
  }

  /**
   * Times (and counts as published while on) only events published, in browser clock, at or after
   * `browserMs`: the technique is switched on. With `firstAnswerIsCatchUp` (a technique that asks),
   * the next answer is all catch-up too: it is the feed as it was when the technique first asked
   * (the last few events, a whole page), whatever came out since the switch-on or while that
   * request was on its way. Its events are still timed.
   */
  timeFrom(browserMs: number, { firstAnswerIsCatchUp = false } = {}): void {
    this.#timeFrom = browserMs
    this.#firstAnswerPending = firstAnswerIsCatchUp
  }

  /** An answer that carried no event: the first answer, if it was awaited, has come and gone. */
  emptyAnswer(): void {
    this.#firstAnswerPending = false
  }

  /**
   * Counts events that arrived together at `receivedAt` (browser clock). `toBrowser` turns a server
   * timestamp into the browser's clock. Returns the new ones, oldest first, each with its latency if timed.
   */
  receive(events: readonly FeedEvent[], receivedAt: number, toBrowser: (serverAt: number) => number): Delivery[] {
    const fresh: Delivery[] = []
    const firstAnswer = this.#firstAnswerPending
    this.#firstAnswerPending = false
    for (const event of events) {
      if (this.newest !== undefined && event.id <= this.newest) {
        this.duplicates++
        continue
      }
      if (this.newest !== undefined) this.gaps += event.id - this.newest - 1
      this.newest = event.id
      this.events++
      const timed = toBrowser(event.at) >= this.#timeFrom
      if (timed && !firstAnswer) this.publishedWhileOn++
      const uncorrectedLatency = timed ? receivedAt - event.at : undefined
      if (uncorrectedLatency !== undefined) this.latency.add(uncorrectedLatency)
      fresh.push({ id: event.id, publishedAt: event.at, receivedAt, uncorrectedLatency })
    }
    return fresh
  }

  /** Events the feed has (newest id `latest`) that this page has not received yet. */
  unseen(latest: number): number {
    this.#baseline ??= latest
    return Math.max(0, latest - (this.newest ?? this.#baseline))
  }
}
