import uPlot from 'uplot'
import type { MarkShape } from '../../shared/techniques.ts'
import { traceShape } from '../platform/mark-shapes.ts'

// How the charts' scales, axes and points are drawn: uPlot's hooks, kept apart from the data they draw.

/**
 * Draws a series' points as its technique's mark (not uPlot's circles), so colour is never the
 * only cue. uPlot fills and strokes the path with the series' point styles.
 */
export function shapedPoints(shape: MarkShape): uPlot.Series.Points.PathBuilder {
  return (chart, seriesIndex, first, last) => {
    const path = new Path2D()
    const xs = chart.data[0]
    const ys = chart.data[seriesIndex]
    const size = 7 * uPlot.pxRatio
    for (let index = first; index <= last; index++) {
      const x = xs[index]
      const y = ys?.[index]
      if (x === undefined || y === undefined || y === null) continue
      traceShape(path, shape, chart.valToPos(x, 'x', true), chart.valToPos(y, 'y', true), size)
    }
    return { fill: path, stroke: path }
  }
}

/** A log scale needs positive bounds on whole powers of ten; an empty chart gets 10 B to 10 kB. */
export function logRange(_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || min <= 0) return [10, 10_000]
  return [
    10 ** Math.floor(Math.log10(min)),
    10 ** Math.max(Math.ceil(Math.log10(max)), Math.floor(Math.log10(min)) + 1)
  ]
}

/** Grid lines of a log axis at 10, 100, 1000 … only: the 2–9 lines in between are clutter. */
export function powersOfTen(_: uPlot, __: number, min: number, max: number): number[] {
  const splits: number[] = []
  for (let power = Math.ceil(Math.log10(min)); 10 ** power <= max; power++) splits.push(10 ** power)
  return splits
}

export function secondsAgo(x: number): string {
  return x === 0 ? 'now' : `${Math.round(-x)} s`
}

export function linearRange(_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  return [Math.min(0, min ?? 0), Math.max(1, (max ?? 0) * 1.1)]
}
