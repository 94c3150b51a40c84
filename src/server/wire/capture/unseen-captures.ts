/** How long a socket is captured for a page nobody has in view yet: a page's live channel opens as it loads. */
export const unseenGraceMs = 5_000

interface Trial {
  client: string
  until: number
  stop: () => void
}

/**
 * Sockets capturing for a page that is not in view (`CaptureStore.inView`): each gets a few seconds for the
 * page's live channel to open (it opens as the page loads, beside the page's first connections), then stops
 * capturing if it did not. What it captured stays. A load generator or a curl costs only the counters from
 * then on, and a page in view keeps every byte: the capture costs what someone can look at.
 */
export class UnseenCaptures {
  #trials: Trial[] = []
  #inView: (client: string) => boolean
  #graceMs: number
  #timer: NodeJS.Timeout | undefined

  constructor(inView: (client: string) => boolean, graceMs = unseenGraceMs) {
    this.#inView = inView
    this.#graceMs = graceMs
  }

  /** A socket began capturing for `client`, not in view: `stop` it unless the page is in view by the deadline. */
  add(client: string, stop: () => void, now = Date.now()): void {
    this.#trials.push({ client, until: now + this.#graceMs, stop })
    // One timer for every socket on trial, not one each: a thousand connect at once in a lecture hall.
    this.#timer ??= setInterval(() => this.decide(), Math.min(1_000, this.#graceMs)).unref()
  }

  /** Settles the trials whose grace has passed (called by the timer; tests call it with a clock). */
  decide(now = Date.now()): void {
    // Trials are added in time order, so the due ones are at the front.
    let due = 0
    while (due < this.#trials.length && (this.#trials[due] as Trial).until <= now) due++
    for (const { client, stop } of this.#trials.splice(0, due)) if (!this.#inView(client)) stop()
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
