/**
 * Turns server timestamps into the browser's clock. Latency is "the browser saw it"
 * minus "the server published it", and the two clocks may differ (a student's
 * phone vs the teacher's laptop), so we estimate the offset the way NTP does:
 * send our time, get the server's back, and assume the answer was made halfway
 * through the round trip. The sample with the shortest round trip is the most exact.
 */
export class ServerClock {
  #offset = 0
  #uncertainty = Number.POSITIVE_INFINITY
  #samples = 0

  /** One clock sample: our time when we asked, the server's time, our time when the answer came. */
  sample(sentAt: number, serverAt: number, receivedAt: number): void {
    const roundTrip = receivedAt - sentAt
    this.#samples++
    if (roundTrip / 2 >= this.#uncertainty) return
    this.#offset = serverAt - (sentAt + receivedAt) / 2
    this.#uncertainty = roundTrip / 2
  }

  /** Server clock minus browser clock, ms. 0 until the first sample. */
  get offset(): number {
    return this.#offset
  }

  /** The offset is right to within ± this many ms (half the best round trip). */
  get uncertainty(): number {
    return this.#uncertainty
  }

  get samples(): number {
    return this.#samples
  }

  /** A server timestamp as the browser's clock would have read at that moment. */
  toBrowser(serverAt: number): number {
    return serverAt - this.#offset
  }
}
