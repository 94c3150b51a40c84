import type { Delivery } from './delivery-stats.ts'

/**
 * What reached one panel in the last `keepMs`, for pictures on a time axis: each timed new event
 * (published and received), and each answer that carried no event. Older entries are dropped as
 * new ones come, so memory stays bounded by the window whatever the rate.
 */
export class ArrivalLog {
  readonly deliveries: Delivery[] = []
  /** Browser clock (epoch ms) of each answer with no event in it: an empty poll, a long poll's timeout. */
  readonly emptyAnswers: number[] = []
  /** Browser clock (epoch ms) of each answer served by another instance than the answer before it, and that instance. */
  readonly hops: { at: number; instance: string }[] = []
  /** The instance that served the latest answer or connection (several instances behind a balancer). */
  instance: string | undefined
  /** Answers (or connections) each instance served since the page opened. */
  readonly servedCounts = new Map<string, number>()
  /** The latest hop, kept past the window. */
  lastHop: { at: number; from: string; to: string } | undefined
  #keepMs: number

  constructor(keepMs: number) {
    this.#keepMs = keepMs
  }

  add(deliveries: readonly Delivery[], now: number): void {
    for (const delivery of deliveries) if (delivery.uncorrectedLatency !== undefined) this.deliveries.push(delivery)
    this.trim(now)
  }

  addEmptyAnswer(at: number): void {
    this.emptyAnswers.push(at)
    this.trim(at)
  }

  /** `instance` served what arrived at `at`: a hop when it is not the one that served the answer before. */
  servedBy(instance: string, at: number): void {
    if (this.instance !== undefined && instance !== this.instance) {
      this.hops.push({ at, instance })
      this.lastHop = { at, from: this.instance, to: instance }
    }
    this.instance = instance
    this.servedCounts.set(instance, (this.servedCounts.get(instance) ?? 0) + 1)
    this.trim(at)
  }

  /** Drops what arrived before `now - keepMs` (browser clock). */
  trim(now: number): void {
    const oldest = now - this.#keepMs
    dropBefore(this.deliveries, (delivery) => delivery.receivedAt >= oldest)
    dropBefore(this.emptyAnswers, (at) => at >= oldest)
    dropBefore(this.hops, (hop) => hop.at >= oldest)
  }
}

/** Removes the leading entries until the first one `keep` accepts (entries are in arrival order). */
function dropBefore<T>(list: T[], keep: (entry: T) => boolean): void {
  const first = list.findIndex(keep)
  list.splice(0, first === -1 ? list.length : first)
}
