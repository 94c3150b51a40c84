/** How long a socket is captured for a page nobody has in view yet: a page's live channel opens as it loads. */
export const unseenGraceMs = 5_000

interface Trial {
  until: number
  /** Called once the grace has passed: the socket decides whether to go on capturing. */
  settle: () => void
}

/**
 * Sockets capturing for a page that is not in view (`CaptureStore.inView`): each gets a few seconds for the
 * page's live channel to open (it opens as the page loads, beside the page's first connections), then stops
 * capturing if it did not, and what it captured is dropped: kept, 10,000 unseen pages' captures made every
 * request after them 40 % slower (bench, polling max req/s), for bytes nobody would read. A load generator or a
 * curl costs only the counters from then on, and a page in view keeps every byte: the capture costs what someone
 * can look at.
 */
export class UnseenCaptures {
  #trials: Trial[] = []
  #graceMs: number
  #timer: NodeJS.Timeout | undefined

  constructor(graceMs = unseenGraceMs) {
    this.#graceMs = graceMs
  }

  /** A socket began capturing for a page not in view: `settle` is called once the grace has passed. */
  add(settle: () => void, now = Date.now()): void {
    this.#trials.push({ until: now + this.#graceMs, settle })
    // One timer for every socket on trial, not one each: a thousand connect at once in a lecture hall.
    this.#timer ??= setInterval(() => this.decide(), Math.min(1_000, this.#graceMs)).unref()
  }

  /** Settles the trials whose grace has passed (called by the timer; tests call it with a clock). */
  decide(now = Date.now()): void {
    // Trials are added in time order, so the due ones are at the front.
    let due = 0
    while (due < this.#trials.length && (this.#trials[due] as Trial).until <= now) due++
    for (const { settle } of this.#trials.splice(0, due)) settle()
    if (this.#trials.length === 0) this.close()
  }

  /** Sockets on trial now. */
  get size(): number {
    return this.#trials.length
  }

  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }
}
