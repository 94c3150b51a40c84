import 'uplot/dist/uPlot.min.css'
import './charts.css'
import uPlot from 'uplot'
import { type TechniqueName, techniqueNames } from '../shared/techniques.ts'
import type { WireReport } from '../shared/wire-stats.ts'
import { aligned, CounterHistory, type Point, PointWindow } from './chart-data.ts'
import { browserNow, h } from './dom.ts'
import type { Panel } from './panel-view.ts'
import type { ServerClock } from './server-clock.ts'
import type { WireLive } from './wire-live.ts'

const shownSeconds = 120
const bytesWindowMs = 10_000
const requestsWindowMs = 5_000

type ChartKey = 'latency' | 'bytes-per-event' | 'requests-per-second'

interface ChartSpec {
  key: ChartKey
  title: string
  unit: string
  log: boolean
  how: string
}

const specs: ChartSpec[] = [
  {
    key: 'latency',
    title: 'Delivery latency per event',
    unit: 'ms',
    log: false,
    how:
      'One point per event: when this browser received it minus the server’s timestamp on it, corrected by the ' +
      'estimated clock offset (as in the panels). Only events published after a panel was switched on.'
  },
  {
    key: 'bytes-per-event',
    title: 'Bytes per delivered event (log scale)',
    unit: 'bytes/event',
    log: true,
    how:
      '(bytes in + bytes out) counted on the server’s socket ÷ new events the panel received, over the last 10 s: ' +
      'the summary table’s “bytes per event”, but sliding, so a change of settings shows. No point when no event came.'
  },
  {
    key: 'requests-per-second',
    title: 'Requests per second',
    unit: 'requests/s',
    log: false,
    how: 'Change in the server’s count of HTTP requests from each panel over the last 5 s, from the reports it pushes twice a second.'
  }
]

interface CounterSample {
  at: number
  bytes: number
  events: number
  requests: number
}

/** A log scale needs positive bounds on whole powers of ten; an empty chart gets 10 B to 10 kB. */
function logRange(_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min === null || max === null || min <= 0) return [10, 10_000]
  return [
    10 ** Math.floor(Math.log10(min)),
    10 ** Math.max(Math.ceil(Math.log10(max)), Math.floor(Math.log10(min)) + 1)
  ]
}

/** Grid lines of a log axis at 10, 100, 1000 … only: the 2–9 lines in between are clutter. */
function powersOfTen(_: uPlot, __: number, min: number, max: number): number[] {
  const splits: number[] = []
  for (let power = Math.ceil(Math.log10(min)); 10 ** power <= max; power++) splits.push(10 ** power)
  return splits
}

function secondsAgo(x: number): string {
  return x === 0 ? 'now' : `${Math.round(-x)} s`
}

function linearRange(_: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  return [Math.min(0, min ?? 0), Math.max(1, (max ?? 0) * 1.1)]
}

/**
 * Three live charts of the six techniques over the last two minutes, drawn with
 * uPlot: latency from the panels' own timestamps, bytes per event and requests
 * per second from the server's counters pushed on `/wire/live`.
 */
export class Charts {
  #titles: Record<TechniqueName, string>
  #clock: ServerClock
  #panels: Panel[]
  /** Each chart's points, per technique. */
  #points: Record<ChartKey, Map<TechniqueName, PointWindow>> = {
    latency: new Map(),
    'bytes-per-event': new Map(),
    'requests-per-second': new Map()
  }
  #history = new Map<TechniqueName, CounterHistory<CounterSample>>()
  #figures = new Map<ChartKey, { figure: HTMLElement; plot: HTMLElement; chart?: uPlot }>()
  /** When the charts were last drawn (browser clock, epoch s): the x axis counts seconds before it. */
  #now = browserNow() / 1000

  constructor(
    section: Element,
    panels: Panel[],
    titles: Record<TechniqueName, string>,
    clock: ServerClock,
    wireLive: WireLive
  ) {
    this.#clock = clock
    this.#panels = panels
    this.#titles = titles
    for (const name of techniqueNames) {
      for (const points of Object.values(this.#points)) points.set(name, new PointWindow(shownSeconds))
      this.#history.set(name, new CounterHistory(bytesWindowMs + 5_000))
    }
    for (const panel of panels) {
      // Kept uncorrected, like the panel's own figures: the offset improves as clock samples come in.
      panel.onTimedEvent = (receivedAt, uncorrected) =>
        this.#points.latency.get(panel.name)?.add({ t: receivedAt / 1000, y: uncorrected })
    }

    const grid = h('div', { class: 'chart-grid' })
    for (const spec of specs) {
      const plot = h('div', { class: 'chart-plot' })
      const figure = h(
        'figure',
        {
          class: 'chart',
          'data-chart': spec.key,
          'data-points': '0',
          'aria-labelledby': `chart-${spec.key}-title`,
          'aria-describedby': `chart-${spec.key}-how`
        },
        h('h3', { id: `chart-${spec.key}-title` }, spec.title),
        plot,
        h('figcaption', { id: `chart-${spec.key}-how` }, spec.how)
      )
      grid.append(figure)
      this.#figures.set(spec.key, { figure, plot })
    }
    section.append(
      h(
        'p',
        { class: 'charts-intro' },
        'The last 2 minutes of this page’s six panels, in the technique colours. Click a name in a legend to hide its line.'
      ),
      grid
    )

    this.#build()
    new ResizeObserver(() => this.#resize()).observe(grid)
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#build())
    wireLive.listen({ report: (report) => this.#report(report) })
  }

  #report(report: WireReport): void {
    const t = this.#clock.toBrowser(report.at) / 1000
    for (const panel of this.#panels) {
      const counters = report.techniques[panel.name]
      const history = this.#history.get(panel.name)
      if (!history) continue
      history.add({
        at: report.at,
        bytes: counters.bytesIn + counters.bytesOut,
        events: panel.eventsReceived,
        requests: counters.requests
      })
      const bytes = history.span(bytesWindowMs)
      const events = bytes ? bytes.to.events - bytes.from.events : 0
      if (bytes && events > 0)
        this.#points['bytes-per-event'].get(panel.name)?.add({ t, y: (bytes.to.bytes - bytes.from.bytes) / events })
      const requests = history.span(requestsWindowMs)
      if (requests) {
        const seconds = (requests.to.at - requests.from.at) / 1000
        this.#points['requests-per-second']
          .get(panel.name)
          ?.add({ t, y: (requests.to.requests - requests.from.requests) / seconds })
      }
    }
    this.#draw(browserNow() / 1000)
  }

  #series(key: ChartKey, now: number): Point[][] {
    const offset = this.#clock.offset
    return techniqueNames.map((name) => {
      const window = this.#points[key].get(name)
      window?.trim(now)
      // x becomes "seconds before now"; latency is corrected here, with the best clock offset known now.
      const correction = key === 'latency' ? offset : 0
      return (window?.points ?? []).map(({ t, y }) => ({ t: t - now, y: y + correction }))
    })
  }

  #draw(now: number): void {
    this.#now = now
    for (const [key, { figure, chart }] of this.#figures) {
      if (!chart) continue
      const { data, points } = aligned(this.#series(key, now))
      chart.setData(data as uPlot.AlignedData)
      figure.dataset.points = String(points)
    }
  }

  #size(plot: HTMLElement): { width: number; height: number } {
    const width = Math.max(200, plot.clientWidth)
    return { width, height: width < 480 ? 200 : 240 }
  }

  #resize(): void {
    for (const { plot, chart } of this.#figures.values()) chart?.setSize(this.#size(plot))
  }

  /** (Re)creates the charts with the page's current colours (light or dark). */
  #build(): void {
    const style = getComputedStyle(document.documentElement)
    const colour = (name: string) => style.getPropertyValue(`--${name}`).trim()
    const axis = {
      stroke: colour('muted'),
      grid: { stroke: colour('line'), width: 1 },
      ticks: { stroke: colour('line'), width: 1 }
    }
    for (const spec of specs) {
      const entry = this.#figures.get(spec.key)
      if (!entry) continue
      entry.chart?.destroy()
      const options: uPlot.Options = {
        ...this.#size(entry.plot),
        scales: {
          x: { time: false, range: () => [-shownSeconds, 0] },
          y: spec.log ? { distr: 3, log: 10, range: logRange } : { range: linearRange }
        },
        series: [
          { label: 'time' },
          ...techniqueNames.map((name) => ({
            label: this.#titles[name],
            stroke: colour(name),
            width: 2,
            spanGaps: true,
            points: { show: spec.key === 'latency', size: 5, fill: colour(name) }
          }))
        ],
        axes: [
          { ...axis, label: 'seconds ago', values: (_, splits) => splits.map(secondsAgo) },
          spec.log
            ? { ...axis, label: spec.unit, size: 56, splits: powersOfTen }
            : { ...axis, label: spec.unit, size: 56 }
        ],
        // Filled markers: "this colour is that technique" reads better than uPlot's outlines.
        legend: { live: false, markers: { fill: (_, index) => colour(techniqueNames[index - 1] ?? 'muted') } },
        cursor: { drag: { x: false, y: false } }
      }
      const { data } = aligned(this.#series(spec.key, this.#now))
      entry.chart = new uPlot(options, data as uPlot.AlignedData, entry.plot)
    }
  }
}
