import './race-view.css'
import { type Technique, type TechniqueName, techniques } from '../../shared/techniques.ts'
import type { Panel } from '../panels/panel-view.ts'
import { pausedNotice } from '../panels/paused-notice.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import { paintAccent, techniqueBadge } from '../platform/technique-look.ts'
import type { WireLive } from '../platform/wire-live.ts'
import { feedConditions } from '../room/feed-conditions.ts'
import type { PausedNotice } from '../techniques/transport.ts'
import { raceFigures } from './race-figures.ts'
import { RaceTrack, type TrackColours } from './race-track.ts'

/** The time windows a viewer can choose, in seconds. */
const windowChoices = [10, 20, 30] as const
const defaultWindowS = 20
/** Publications and connections kept: the widest window and a margin. */
const keptMs = 35_000
/** The tracks are redrawn at most this often; figures change with the twice-a-second reports. */
const frameEveryMs = 50
/** Labelled intervals on the time axis. */
const axisSteps = 4

interface FigureCell {
  element: HTMLElement
  number: HTMLElement
  unit: HTMLElement
  bar: HTMLElement
}

interface Lane {
  panel: Panel
  element: HTMLElement
  track: RaceTrack
  cells: FigureCell[]
  action: HTMLButtonElement | undefined
  /** A manual lane's "press Reload" over its track, shown while the track has nothing on it. */
  hint: HTMLElement | undefined
  /** Over the track while the technique waits for a connection: why, and "Take over". */
  paused: HTMLElement
  /** The notice `paused` shows now. */
  pausedBy: PausedNotice | undefined
}

/**
 * The race: one picture of every technique on one time axis, the feed's publications on top and
 * a lane per technique below, each with three large figures on scales shared by all lanes. It
 * draws only what this page's panels received and what the server counted for them.
 */
export class RaceView {
  readonly element: HTMLElement
  /** The line saying what the feed and the simulated network do now. */
  readonly conditions: HTMLElement
  #lanes: Lane[]
  #feedTrack = new RaceTrack('The feed: one tick per event, when the server published it')
  #clock: ServerClock
  #windowMs = defaultWindowS * 1000
  /** Server timestamps of the feed's events, from `/wire/live`. */
  #published: number[] = []
  /** Server timestamps of requests on a new TCP connection, per technique, from the capture. */
  #newConnections = new Map<TechniqueName, number[]>()
  /** Shown once an answer names its instance: several instances behind a balancer. */
  #hopLegend = h(
    'span',
    { class: 'legend-hop', hidden: '' },
    h('b', { 'aria-hidden': 'true' }, '╵→b'),
    ' from here on another instance (b) answered: a hop between instances. '
  )
  #colours = new Map<TechniqueName | 'feed', TrackColours>()
  #windowText = h('span', {}, `last ${defaultWindowS} s`)
  /** Time labels under the tracks: how long ago, "now" at the right. */
  #axis = h('div', { class: 'track-axis' })
  #lastFrame = 0

  constructor(panels: Panel[], clock: ServerClock, live: WireLive) {
    this.#clock = clock
    this.conditions = feedConditions(live)
    this.#lanes = panels.map((panel) => this.#lane(panel, techniques[panel.name]))
    const windowButtons = windowChoices.map((seconds) => {
      const button = h(
        'button',
        { type: 'button', 'aria-pressed': String(seconds === defaultWindowS), 'data-window': String(seconds) },
        `${seconds} s`
      )
      button.addEventListener('click', () => {
        this.#setWindow(seconds)
        for (const other of windowButtons) other.setAttribute('aria-pressed', String(other === button))
      })
      return button
    })
    const feedRow = h(
      'div',
      { class: 'race-row race-feed', 'data-row': 'feed' },
      h(
        'div',
        { class: 'lane-name' },
        h('span', { class: 'technique-badge feed-badge', 'aria-hidden': 'true' }, '•'),
        'feed'
      ),
      h('div', { class: 'track-cell' }, this.#feedTrack.canvas),
      h('p', { class: 'race-feed-note' }, 'when the server published each event')
    )
    this.element = h(
      'section',
      { id: 'race', class: 'race', 'aria-labelledby': 'race-title' },
      h(
        'header',
        { class: 'race-head' },
        h('h1', { id: 'race-title' }, `${countInWords(panels.length)} ways to get live data`),
        this.conditions,
        h('div', { class: 'race-window', role: 'group', 'aria-label': 'Time shown' }, 'show ', ...windowButtons)
      ),
      h(
        'div',
        { class: 'race-grid' },
        h(
          'div',
          { class: 'race-row race-columns', 'aria-hidden': 'true' },
          h('span', {}, 'technique'),
          h('span', { class: 'track-heading' }, 'arrivals in this page, ', this.#windowText, ' → now'),
          ...raceFigures.map((figure) => h('span', { class: 'figure-heading', title: figure.hint }, figure.title))
        ),
        feedRow,
        ...this.#lanes.map((lane) => lane.element),
        h('div', { class: 'race-row race-axis', 'aria-hidden': 'true' }, h('span'), this.#axis)
      ),
      h(
        'p',
        { class: 'race-legend' },
        'A mark is an event arriving in this page; its line reaches back to when the feed published it, so the line’s length is the latency. ',
        h('span', { class: 'legend-ring', 'aria-hidden': 'true' }, '○'),
        ' an answer with no event. ',
        h('span', { class: 'legend-dash', 'aria-hidden': 'true' }, '┆'),
        ' a new TCP connection (a 3-way handshake). ',
        this.#hopLegend,
        'Bars share one scale per column: shorter latency is faster, fewer bytes is cheaper.'
      )
    )

    live.listen({
      published: (events) => {
        for (const event of events) this.#published.push(event.at)
        trimBefore(this.#published, browserNow() + this.#clock.offset - keptMs)
      },
      capture: (items) => {
        for (const item of items) {
          if (item.kind !== 'request' || !item.newConnection) continue
          const times = this.#newConnections.get(item.technique) ?? []
          times.push(item.at)
          trimBefore(times, item.at - keptMs)
          this.#newConnections.set(item.technique, times)
        }
      },
      report: () => this.#showFigures()
    })
    new ResizeObserver(() => this.#resize()).observe(this.element)
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#readColours())
    // The lanes share the screen's height: more techniques, thinner lanes, still one screen.
    this.element.style.setProperty('--lanes', String(this.#lanes.length))
    this.#setWindow(defaultWindowS)
    this.#readColours()
    requestAnimationFrame((time) => this.#frame(time))
  }

  #lane(panel: Panel, technique: Technique): Lane {
    const name = panel.name
    const track = new RaceTrack(`${technique.title}: events as they arrived in this page`)
    const cells = raceFigures.map((figure) => {
      const number = h('span', { class: 'figure-number' }, '–')
      const unit = h('span', { class: 'figure-unit' })
      const bar = h('span', { class: 'figure-bar' })
      const element = h(
        'div',
        { class: 'race-figure', 'data-figure': figure.key, 'data-value': '', title: `${figure.title}: ${figure.hint}` },
        // The columns' headings say it on screen; each figure keeps its name for screen readers.
        h('span', { class: 'figure-label visually-hidden' }, figure.title),
        h('span', { class: 'figure-reading' }, number, unit),
        h('span', { class: 'figure-scale', 'aria-hidden': 'true' }, bar)
      )
      return { element, number, unit, bar }
    })
    let action: HTMLButtonElement | undefined
    let hint: HTMLElement | undefined
    if (technique.action && panel.client.fetchNow) {
      action = h('button', { type: 'button', class: 'lane-action' }, technique.action)
      action.addEventListener('click', () => panel.client.fetchNow?.())
      // A manual lane stays empty until someone asks: without this it looks broken.
      hint = h('p', { class: 'lane-hint', hidden: '' }, 'press ', h('strong', {}, technique.action))
    }
    const paused = h('p', { class: 'lane-paused', hidden: '' })
    const element = h(
      'div',
      { class: 'race-row race-lane', 'data-lane': name, role: 'group', 'aria-labelledby': `race-${name}-name` },
      h(
        'div',
        { class: 'lane-name' },
        techniqueBadge(name),
        h('span', { id: `race-${name}-name` }, technique.title),
        ...(action ? [action] : [])
      ),
      h('div', { class: 'track-cell' }, track.canvas, ...(hint ? [hint] : []), paused),
      ...cells.map((cell) => cell.element)
    )
    paintAccent(element, name)
    return { panel, element, track, cells, action, hint, paused, pausedBy: undefined }
  }

  /** Shows the last `seconds` on every track, and says so in the heading and on the axis. */
  #setWindow(seconds: number): void {
    this.#windowMs = seconds * 1000
    this.#windowText.textContent = `last ${seconds} s`
    const step = seconds / axisSteps
    this.#axis.replaceChildren(
      ...Array.from({ length: axisSteps }, (_, index) => h('span', {}, `${Math.round(seconds - index * step)} s ago`)),
      h('span', {}, 'now')
    )
  }

  #showFigures(): void {
    raceFigures.forEach((figure, index) => {
      const values = this.#lanes.map((lane) => figure.value(lane.panel))
      const max = Math.max(0, ...values.map((value) => value ?? 0))
      this.#lanes.forEach((lane, laneIndex) => {
        const cell = lane.cells[index]
        const value = values[laneIndex]
        if (!cell) return
        if (value === undefined || !Number.isFinite(value)) {
          cell.element.dataset.value = ''
          cell.number.textContent = '–'
          cell.unit.textContent = ''
          cell.bar.style.setProperty('--share', '0')
          return
        }
        const [number, unit] = figure.shown(value)
        cell.element.dataset.value = figure.dataValue(value)
        cell.number.textContent = number ?? ''
        cell.unit.textContent = ` ${unit}`
        cell.bar.style.setProperty('--share', String(max > 0 ? value / max : 0))
      })
    })
    for (const lane of this.#lanes) {
      if (lane.action) lane.action.disabled = !lane.panel.on
      const { deliveries, emptyAnswers } = lane.panel.arrivals
      lane.element.dataset.arrivals = String(deliveries.length)
      lane.element.dataset.emptyAnswers = String(emptyAnswers.length)
      lane.element.dataset.hops = String(lane.panel.arrivals.hops.length)
      if (lane.panel.arrivals.instance) {
        lane.element.dataset.instance = lane.panel.arrivals.instance
        this.#hopLegend.hidden = false
      }
    }
  }

  #frame(time: number): void {
    requestAnimationFrame((next) => this.#frame(next))
    if (time - this.#lastFrame < frameEveryMs) return
    this.#lastFrame = time
    const now = browserNow()
    const toBrowser = (serverAt: number) => this.#clock.toBrowser(serverAt)
    const feedColours = this.#colours.get('feed')
    if (feedColours) this.#feedTrack.drawFeed(this.#published.map(toBrowser), now, this.#windowMs, feedColours)
    for (const lane of this.#lanes) {
      const name = lane.panel.name
      const colours = this.#colours.get(name)
      if (!colours) continue
      lane.panel.arrivals.trim(now)
      const marks = {
        deliveries: lane.panel.arrivals.deliveries.map((delivery) => ({
          id: delivery.id,
          publishedAt: toBrowser(delivery.publishedAt),
          receivedAt: delivery.receivedAt
        })),
        emptyAnswers: lane.panel.arrivals.emptyAnswers,
        newConnections: (this.#newConnections.get(name) ?? []).map(toBrowser),
        hops: lane.panel.arrivals.hops,
        instance: lane.panel.arrivals.instance
      }
      if (lane.pausedBy !== lane.panel.pausedBy) {
        lane.pausedBy = lane.panel.pausedBy
        lane.paused.hidden = !lane.pausedBy
        lane.paused.replaceChildren(...(lane.pausedBy ? [pausedNotice(lane.pausedBy, true)] : []))
      }
      if (lane.hint) {
        const since = now - this.#windowMs
        const empty =
          !marks.deliveries.some((delivery) => delivery.receivedAt >= since) &&
          !marks.emptyAnswers.some((at) => at >= since)
        const hidden = !(lane.panel.on && empty)
        if (lane.hint.hidden !== hidden) lane.hint.hidden = hidden
      }
      lane.track.drawLane(
        marks,
        techniques[name].shape,
        now,
        this.#windowMs,
        colours,
        lane.panel.on ? undefined : 'off'
      )
    }
  }

  #resize(): void {
    this.#feedTrack.resize()
    for (const lane of this.#lanes) lane.track.resize()
  }

  #readColours(): void {
    const style = getComputedStyle(document.documentElement)
    const read = (name: string) => style.getPropertyValue(`--${name}`).trim()
    const base = { outline: read('mark-outline'), text: read('text'), muted: read('muted'), line: read('line') }
    this.#colours.set('feed', { ...base, accent: read('text') })
    for (const lane of this.#lanes) this.#colours.set(lane.panel.name, { ...base, accent: read(lane.panel.name) })
  }
}

/** A count as a projected heading says it: "Seven", or digits past ten. */
function countInWords(count: number): string {
  const words = ['No', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten']
  return words[count] ?? String(count)
}

/** Drops the leading times older than `oldest` (times are in order). */
function trimBefore(times: number[], oldest: number): void {
  let drop = 0
  while (drop < times.length && (times[drop] ?? 0) < oldest) drop++
  if (drop > 0) times.splice(0, drop)
}
