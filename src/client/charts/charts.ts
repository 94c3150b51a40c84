import 'uplot/dist/uPlot.min.css'
import './charts.css'
import uPlot from 'uplot'
import { type TechniqueName, techniqueNames, techniques } from '../../shared/techniques.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import { percentileOf } from '../delivery/delivery-stats.ts'
import type { Panel } from '../panels/panel-view.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import type { WireLive } from '../platform/wire-live.ts'
import { aligned, CounterHistory, maxPointsPerSeries, type Point, PointWindow, perSecondOver } from './chart-data.ts'
import { linearRange, logRange, powersOfTen, secondsAgo, shapedPoints } from './chart-scales.ts'

const shownSeconds = 120
const bytesWindowMs = 10_000
/** The same window as the panels' and the race view's requests/s, so the page has one such figure. */
const requestsWindowMs = 10_000

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
      'One mark per event (the technique’s shape): when this browser received it minus the server’s timestamp on it, corrected by the ' +
      'estimated clock offset (as in the panels). Only events published after a panel was switched on. Events one ' +
      'response brought share one arrival time: they stack up as a column of marks.'
  },
  {
    key: 'bytes-per-event',
    title: 'Bytes per new event (log scale)',
    unit: 'bytes/event',
    log: true,
    how:
      '(bytes in + bytes out) counted on the server’s socket ÷ new events the panel received, over the last 10 s: the ' +
      'summary table’s “bytes per new event”, but sliding, so a change of settings shows. The catch-up (the feed as it was ' +
      'when the panel started) is not counted, its bytes are. No point when no new event came, nor before the page has 10 s of counts.'
  },
  {
    key: 'requests-per-second',
    title: 'Requests per second',
    unit: 'requests/s',
    log: false,
    how:
      'Change in the server’s count of HTTP requests from each panel over the last 10 s (as in the panels and the race view), ' +
      'from the reports it pushes twice a second; the first point once the page has 10 s of counts.'
  }
]

interface CounterSample {
  at: number
  bytes: number
  events: number
  requests: number
}

/**
 * Three live charts of every technique over the last two minutes, drawn with
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
  #figures = new Map<ChartKey, { figure: HTMLElement; plot: HTMLElement; capped: HTMLElement; chart?: uPlot }>()
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
      const capped = h(
        'span',
        { class: 'chart-capped', hidden: '' },
        ` More than ${maxPointsPerSeries.toLocaleString('en')} points of one technique in 2 minutes: its oldest are not drawn.`
      )
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
        h('figcaption', { id: `chart-${spec.key}-how` }, spec.how, capped)
      )
      grid.append(figure)
      this.#figures.set(spec.key, { figure, plot, capped })
    }
    section.append(
      h(
        'p',
        { class: 'charts-intro' },
        'The last 2 minutes of this page’s panels, in the technique colours. Click a name in a legend to hide its marks or line.'
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
        // The panels' denominator: a switch-on's catch-up adds bytes to the window but no event.
        events: panel.stats.publishedWhileOn,
        requests: counters.requests
      })
      // Both wait for a whole window: over a page's first half second, its one opening request is "2 requests/s".
      const bytes = history.wholeSpan(bytesWindowMs)
      const events = bytes ? bytes.to.events - bytes.from.events : 0
      if (bytes && events > 0)
        this.#points['bytes-per-event'].get(panel.name)?.add({ t, y: (bytes.to.bytes - bytes.from.bytes) / events })
      const requests = perSecondOver(history, requestsWindowMs, (sample) => sample.requests)
      if (requests !== undefined) this.#points['requests-per-second'].get(panel.name)?.add({ t, y: requests })
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

  /**
   * Draws the charts as of `now`. Each figure says what it drew, for tests and curious readers:
   * `data-points` in all, `data-points-<technique>` per technique and, on the latency chart,
   * `data-median-<technique>` (ms, nearest rank, as the panels' p50).
   */
  #draw(now: number): void {
    this.#now = now
    for (const [key, { figure, capped, chart }] of this.#figures) {
      if (!chart) continue
      const series = this.#series(key, now)
      const { data, points, pointsPerSeries } = aligned(series)
      chart.setData(data as uPlot.AlignedData)
      figure.dataset.points = String(points)
      techniqueNames.forEach((name, index) => {
        figure.setAttribute(`data-points-${name}`, String(pointsPerSeries[index] ?? 0))
        if (key !== 'latency') return
        const middle = percentileOf(
          (series[index] ?? []).map(({ y }) => y),
          50
        )
        if (middle === undefined) figure.removeAttribute(`data-median-${name}`)
        else figure.setAttribute(`data-median-${name}`, String(Math.round(middle)))
      })
      const isCapped = techniqueNames.some((name) => this.#points[key].get(name)?.capped(now))
      capped.hidden = !isCapped
      figure.dataset.capped = String(isCapped)
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
            label: `${techniques[name].letter} · ${this.#titles[name]}`,
            stroke: colour(name),
            width: 2,
            spanGaps: true,
            // Latency is a scatter of marks, one per event: a line through a column of events that
            // arrived together would zigzag and hide them.
            ...(spec.key === 'latency'
              ? {
                  paths: () => null,
                  points: {
                    show: true,
                    size: 7,
                    fill: colour(name),
                    stroke: colour('mark-outline'),
                    width: 1,
                    paths: shapedPoints(techniques[name].shape)
                  }
                }
              : { points: { show: false } })
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
