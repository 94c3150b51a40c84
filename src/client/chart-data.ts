/** One point of a chart: x in epoch seconds (uPlot's time unit), y in the chart's unit. */
export interface Point {
  t: number
  y: number
}

/** Points of one series, only the last `keepSeconds` (and at most `max` of them). */
export class PointWindow {
  readonly points: Point[] = []
  #keepSeconds: number
  #max: number

  constructor(keepSeconds: number, max = 3_000) {
    this.#keepSeconds = keepSeconds
    this.#max = max
  }

  add(point: Point): void {
    this.points.push(point)
    this.trim(point.t)
  }

  /** Drops what is older than the window, seen from `now` (epoch s). */
  trim(now: number): void {
    let drop = 0
    while (drop < this.points.length && (this.points[drop]?.t ?? now) < now - this.#keepSeconds) drop++
    drop = Math.max(drop, this.points.length - this.#max)
    if (drop > 0) this.points.splice(0, drop)
  }
}

/** A cumulative counter sampled over time (server report time, ms), to get its change over a sliding window. */
export class CounterHistory<Sample extends { at: number }> {
  #samples: Sample[] = []
  #keepMs: number

  constructor(keepMs: number) {
    this.#keepMs = keepMs
  }

  add(sample: Sample): void {
    this.#samples.push(sample)
    const oldest = sample.at - this.#keepMs
    while ((this.#samples[1]?.at ?? Number.POSITIVE_INFINITY) <= oldest) this.#samples.shift()
  }

  /** The newest sample and the one `windowMs` before it (or the oldest kept), if they differ. */
  span(windowMs: number): { from: Sample; to: Sample } | undefined {
    const to = this.#samples.at(-1)
    if (!to) return undefined
    const from = this.#samples.findLast((sample) => sample.at <= to.at - windowMs) ?? this.#samples[0]
    return from && from !== to ? { from, to } : undefined
  }
}

/**
 * uPlot wants one shared, sorted x array and one y array per series (null where
 * a series has no point at that x). Points of different series at the same x share a row.
 */
export function aligned(series: readonly Point[][]): { data: (number | null)[][]; points: number } {
  const rows = new Map<number, (number | null)[]>()
  let points = 0
  series.forEach((list, index) => {
    for (const { t, y } of list) {
      let row = rows.get(t)
      if (!row) {
        row = new Array<number | null>(series.length).fill(null)
        rows.set(t, row)
      }
      row[index] = y
      points++
    }
  })
  const xs = [...rows.keys()].sort((a, b) => a - b)
  const data: (number | null)[][] = [xs]
  series.forEach((_, index) => {
    data.push(xs.map((x) => rows.get(x)?.[index] ?? null))
  })
  return { data, points }
}
