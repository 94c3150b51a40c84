const kept = 500

/** The delivery latencies a panel measured, last `kept` of them, and their percentiles. */
export class LatencyStats {
  #samples: number[] = []

  add(ms: number): void {
    this.#samples.push(ms)
    if (this.#samples.length > kept) this.#samples.shift()
  }

  get count(): number {
    return this.#samples.length
  }

  /** Nearest-rank percentile (p in 0–100), or undefined with no samples. */
  percentile(p: number): number | undefined {
    if (this.#samples.length === 0) return undefined
    const sorted = this.#samples.toSorted((a, b) => a - b)
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
  }
}
