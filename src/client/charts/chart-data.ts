/** One point of a chart: x in epoch seconds (uPlot's time unit), y in the chart's unit. */
export interface Point {
  t: number
  y: number
}

/**
 * The most points one series keeps: two minutes at 100 events/s, above the feed's top rate
 * (50 ticks/s) plus the game board's 30 a second. Beyond it the oldest go, and the window says so.
 */
export const maxPointsPerSeries = 12_000

/** Points of one series, only the last `keepSeconds` (and at most `max` of them). */
export class PointWindow {
  readonly points: Point[] = []
  #keepSeconds: number
  #max: number
  /** x of the newest point dropped for `max` while still inside the window, if any. */
  #cappedUpTo: number | undefined

  constructor(keepSeconds: number, max = maxPointsPerSeries) {
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
    const overMax = this.points.length - this.#max
    if (overMax > drop) {
      this.#cappedUpTo = this.points[overMax - 1]?.t
      drop = overMax
    }
    if (drop > 0) this.points.splice(0, drop)
  }

  /** Whether the cap dropped points that are still inside the window seen from `now`: then it shows fewer. */
  capped(now: number): boolean {
    return this.#cappedUpTo !== undefined && this.#cappedUpTo >= now - this.#keepSeconds
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

  /** `span(windowMs)`, but only once the samples cover the whole window: a change over the first half second says little. */
  wholeSpan(windowMs: number): { from: Sample; to: Sample } | undefined {
    const span = this.span(windowMs)
    return span && span.to.at - span.from.at >= windowMs ? span : undefined
  }
}

/** uPlot's data for some series, and how many points each series has in it. */
export interface AlignedSeries {
  data: (number | null)[][]
  /** Points (non-null values) in all series together. */
  points: number
  /** Points of each series, in the order of the series. */
  pointsPerSeries: number[]
}

/**
 * The change per second of `value` over the last `windowMs` of `history` (kept at least that long);
 * undefined until its samples span the whole window.
 */
export function perSecondOver<Sample extends { at: number }>(
  history: CounterHistory<Sample>,
  windowMs: number,
  value: (sample: Sample) => number
): number | undefined {
  const span = history.wholeSpan(windowMs)
  if (!span) return undefined
  return ((value(span.to) - value(span.from)) * 1000) / (span.to.at - span.from.at)
}

/**
 * uPlot wants one shared x array, sorted (equal x values may follow each other), and one y array
 * per series (null where a series has no point at that x). Every point gets a cell: points of one
 * series at the same x (the events one poll brought, received at one instant) each get a row of
 * their own, in the order they came; points of different series at the same x share rows.
 */
export function aligned(series: readonly Point[][]): AlignedSeries {
  const rowsAt = new Map<number, (number | null)[][]>()
  const pointsPerSeries = series.map((list, index) => {
    const usedAt = new Map<number, number>()
    for (const { t, y } of list) {
      const rows = rowsAt.get(t) ?? []
      rowsAt.set(t, rows)
      const used = usedAt.get(t) ?? 0
      usedAt.set(t, used + 1)
      let row = rows[used]
      if (!row) {
        row = new Array<number | null>(series.length).fill(null)
        rows.push(row)
      }
      row[index] = y
    }
    return list.length
  })
  const rows = [...rowsAt.entries()].sort(([a], [b]) => a - b)
  const data: (number | null)[][] = [rows.flatMap(([t, atT]) => atT.map(() => t))]
  series.forEach((_, index) => {
    data.push(rows.flatMap(([, atT]) => atT.map((row) => row[index] ?? null)))
  })
  return { data, points: pointsPerSeries.reduce((sum, n) => sum + n, 0), pointsPerSeries }
}
