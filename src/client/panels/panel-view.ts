import { contentOf, type FeedEvent } from '../../shared/feed-event.ts'
import { isPulled, type TechniqueName, techniques } from '../../shared/techniques.ts'
import type { WireCounters, WireReport } from '../../shared/wire-stats.ts'
import { CounterHistory, perSecondOver } from '../charts/chart-data.ts'
import { ArrivalLog } from '../delivery/arrival-log.ts'
import { DeliveryStats, LatencyStats, perEventWhileOn } from '../delivery/delivery-stats.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { PageSession } from '../platform/page-session.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import { paintAccent, techniqueBadge } from '../platform/technique-look.ts'
import { withConnectionBudget } from '../techniques/budgeted-transport.ts'
import {
  type ClientListener,
  type ClientModule,
  type ClientState,
  type ControlsView,
  type PausedNotice,
  pageIo,
  type Transport
} from '../techniques/transport.ts'
import { httpVersionOf } from './http-version.ts'
import { type FigureKey, figures, perRequestFigures, responseTimesKept } from './panel-figures.ts'
import { pausedNotice } from './paused-notice.ts'
import { QueuedRequest } from './queued-request.ts'

const listed = 10
/** Requests per second are counted over this sliding window. */
const requestRateWindowMs = 10_000
/** How much of what arrived is kept for pictures on a time axis (the race view shows up to 30 s). */
const arrivalsKeptMs = 35_000

/**
 * One technique's panel: its switch, state, latest events and figures. It is the
 * technique client's listener and knows nothing about how the events came.
 * Latency is measured only for events published after the panel was switched on; older ones
 * (a backlog, a reload's repeats) say nothing about delivery speed. The per-event costs divide by
 * new events only: those, less the first answer of a technique that asks (the feed as it was).
 */
export class Panel implements ClientListener {
  readonly name: TechniqueName
  readonly element: HTMLElement
  readonly client: Transport
  /** Where views of the wire put their buttons (open the capture, drop the connection). */
  readonly tools = h('div', { class: 'tools' })
  /** Events, gaps, duplicates and latency, as this page counted them. */
  readonly stats = new DeliveryStats()
  /** How long each of the last requests took to be answered, browser clock (techniques that ask only). */
  readonly responseTimes = new LatencyStats(responseTimesKept)
  /** The timed events and empty answers of the last half minute, for the race view. */
  readonly arrivals = new ArrivalLog(arrivalsKeptMs)
  /** The last server counters for this panel, from `/wire/live`. */
  wire: WireCounters | undefined
  /** Called for every timed event: when the browser got it and its latency before clock correction. */
  onTimedEvent: ((receivedAt: number, uncorrectedLatency: number) => void) | undefined
  /** Why the technique is on but waiting for a connection (HTTP/1.1's limit), while it is. */
  pausedBy: PausedNotice | undefined

  #clock: ServerClock
  /** The server's request count for this panel, from the reports, over the last 10 s. */
  #requests = new CounterHistory<{ at: number; requests: number }>(requestRateWindowMs)
  #stateText = h('span', { class: 'state-name' })
  #stateDetail = h('span', { class: 'state-detail' })
  /** With several instances: which one served the latest answer, and the last hop between them. */
  #instance = h('p', { class: 'served-by', hidden: '' })
  #queued: QueuedRequest
  #events = h('ol', { class: 'events', 'aria-label': 'latest events, newest first' })
  #figures = new Map<FigureKey, HTMLElement>()

  #toggle = h('input', { type: 'checkbox', name: 'enabled' })
  #controls: ControlsView

  /** `on: false` leaves the panel switched off until the reader (or the teacher) switches it on. */
  constructor(name: TechniqueName, client: ClientModule, session: PageSession, on = true) {
    const technique = techniques[name]
    const { clientId, clock } = session
    this.name = name
    this.#clock = clock
    const toggle = this.#toggle
    const controls = h('div', { class: 'controls' })
    const stats = h('dl', { class: 'figures' })
    for (const [key, label, unit, hint] of figures) {
      if (perRequestFigures.has(key) && !isPulled(technique)) continue
      const blank =
        key.startsWith('latency') || key === 'bytes-per-event' || key === 'response-time-p50' || key === 'http-version'
      const value = h('span', { 'data-stat': key }, blank ? '–' : '0')
      this.#figures.set(key, value)
      stats.append(h('div', { title: hint }, h('dt', {}, label), h('dd', {}, value, unit ? ` ${unit}` : '')))
    }
    this.#queued = new QueuedRequest(name, clock, (queued) => (this.element.dataset.queued = String(queued)))
    this.element = h(
      'section',
      { class: 'panel', id: name, 'data-state': 'closed', 'aria-labelledby': `${name}-title` },
      h(
        'header',
        {},
        h('h2', { id: `${name}-title` }, techniqueBadge(name), technique.title),
        h('label', { class: 'switch' }, toggle, ' on')
      ),
      h('p', { class: 'how' }, technique.how),
      h('p', { class: 'state', role: 'status' }, this.#stateText, ' ', this.#stateDetail),
      this.#instance,
      this.#queued.element,
      controls,
      this.tools,
      stats,
      this.#events
    )
    paintAccent(this.element, name)
    const transport = client.create({ clientId, listener: this, io: pageIo() })
    this.client = withConnectionBudget(transport, technique, session.connections, this)
    this.#controls = client.controls(transport, controls)
    toggle.addEventListener('change', () => (toggle.checked ? this.#start() : this.client.stop()))
    if (on) this.switch(true)
  }

  get on(): boolean {
    return this.#toggle.checked
  }

  /** Whether the teacher allows this technique in the room: when not, it is switched off and stays off. */
  allow(allowed: boolean): void {
    this.#toggle.disabled = !allowed
    this.element.dataset.allowed = String(allowed)
    if (allowed) return
    this.switch(false)
    this.state('closed', 'switched off by the teacher')
  }

  /** Switches the technique on or off, as its checkbox does. */
  switch(on: boolean): void {
    if (on === this.#toggle.checked) return
    this.#toggle.checked = on
    if (on) this.#start()
    else this.client.stop()
  }

  received(events: FeedEvent[], receivedAt: number): void {
    const fresh = this.stats.receive(events, receivedAt, (at) => this.#clock.toBrowser(at))
    this.arrivals.add(fresh, receivedAt)
    const byId = new Map(events.map((event) => [event.id, event]))
    for (const delivery of fresh) {
      const event = byId.get(delivery.id)
      const latency = delivery.uncorrectedLatency
      if (latency !== undefined) this.onTimedEvent?.(receivedAt, latency)
      if (event)
        this.#events.prepend(this.#item(event, latency === undefined ? undefined : latency + this.#clock.offset))
    }
    while (this.#events.children.length > listed) this.#events.lastElementChild?.remove()
    this.#show('events', this.stats.events)
    this.#show('catch-up', this.stats.catchUp)
    this.#show('gaps', this.stats.gaps)
    this.#show('duplicates', this.stats.duplicates)
    this.#showLatency()
  }

  emptyAnswer(receivedAt: number): void {
    this.stats.emptyAnswer()
    this.arrivals.addEmptyAnswer(receivedAt)
  }

  servedBy(instance: string, at: number): void {
    this.arrivals.servedBy(instance, at)
    this.element.dataset.instance = instance
    this.#instance.hidden = false
    this.#instance.textContent = `served by instance ${instance}${lastHopText(this.arrivals.lastHop)}`
  }

  /** Latency percentile p (0–100), clock-corrected with the best offset known now. */
  latency(p: number): number | undefined {
    const uncorrected = this.stats.latency.percentile(p)
    return uncorrected === undefined ? undefined : uncorrected + this.#clock.offset
  }

  /** Requests per second the server counted for this panel over the last 10 s. */
  get requestsPerSecond(): number | undefined {
    return perSecondOver(this.#requests, requestRateWindowMs, (sample) => sample.requests)
  }

  /**
   * Bytes in and out on the wire since the page opened ÷ the events published while the panel was
   * on (`bytesPerEventHint` says it to the reader): what each new event cost, catch-up not counted.
   */
  get bytesPerEvent(): number | undefined {
    const wire = this.wire
    return wire && perEventWhileOn(wire.bytesIn + wire.bytesOut, this.stats)
  }

  /** HTTP requests since the page opened ÷ the events published while the panel was on, as `bytesPerEvent`. */
  get requestsPerEvent(): number | undefined {
    const wire = this.wire
    return wire && perEventWhileOn(wire.requests, this.stats)
  }

  reset(): void {
    this.#stateDetail.textContent = 'reset: the server no longer had every event after our cursor, some were missed'
  }

  state(state: ClientState, detail = ''): void {
    this.element.dataset.state = state
    this.#controls.state?.(state)
    this.#stateText.textContent = state
    this.#stateDetail.replaceChildren(detail)
    if (state !== 'paused') this.pausedBy = undefined
    if (state === 'closed' || state === 'paused' || state === 'error') this.asking(undefined)
  }

  paused(notice: PausedNotice): void {
    this.state('paused')
    this.pausedBy = notice
    this.#stateDetail.replaceChildren(pausedNotice(notice))
  }

  asking(since: number | undefined): void {
    this.#queued.asking(since)
  }

  answered(sentAt: number, answeredAt: number): void {
    this.responseTimes.add(answeredAt - sentAt)
    this.#show('response-time-p50', this.responseTime(50))
  }

  /** Percentile p (0–100) of the last requests' response times, ms; undefined before the first answer. */
  responseTime(p: number): number | undefined {
    return this.responseTimes.percentile(p)
  }

  /** Shows what the server counted for this panel in `report`. */
  showWire(report: WireReport): void {
    const counters = report.techniques[this.name]
    const { latest, at } = report
    this.wire = counters
    this.#queued.check(report)
    this.#requests.add({ at, requests: counters.requests })
    this.#show('requests', counters.requests)
    this.#show('requests-per-s', this.requestsPerSecond, 1)
    this.#showText('http-version', httpVersionOf(counters))
    this.#show('bytes-in', counters.bytesIn)
    this.#show('bytes-out', counters.bytesOut)
    this.#show('bytes-per-event', this.bytesPerEvent)
    this.#show('connections-in-use', counters.openConnections)
    this.#show('connections-opened', counters.connectionsOpened)
    this.#show('empty-responses', counters.emptyResponses)
    this.#show('unseen', this.stats.unseen(latest))
    this.#showLatency()
  }

  #showLatency(): void {
    this.#show('latency-p50', this.latency(50))
    this.#show('latency-p95', this.latency(95))
  }

  #start(): void {
    // A technique that asks gets the feed as it was in its first answer: catch-up, however fast it came.
    this.stats.timeFrom(browserNow(), { firstAnswerIsCatchUp: isPulled(techniques[this.name]) })
    this.client.start()
  }

  #show(key: FigureKey, value: number | undefined, decimals = 0): void {
    this.#showText(key, value?.toFixed(decimals))
  }

  #showText(key: FigureKey, text: string | undefined): void {
    const element = this.#figures.get(key)
    if (element) element.textContent = text ?? '–'
  }

  #item(event: FeedEvent, latency: number | undefined): HTMLLIElement {
    const time = new Date(event.at).toISOString().slice(11, 23)
    return h(
      'li',
      { 'data-id': String(event.id), 'data-kind': event.kind },
      h('span', { class: 'id' }, `#${event.id}`),
      h('time', { datetime: new Date(event.at).toISOString() }, time),
      h('span', { class: 'kind' }, event.kind),
      h('span', { class: 'content' }, contentOf(event)),
      h('span', { class: 'latency' }, latency === undefined ? '' : `${Math.round(latency)} ms`)
    )
  }
}

/** ` · last hop a→b at 21:57:13` (UTC, as the event list), or nothing before the first hop. */
export function lastHopText(hop: { at: number; from: string; to: string } | undefined): string {
  return hop ? ` · last hop ${hop.from}→${hop.to} at ${new Date(hop.at).toISOString().slice(11, 19)}` : ''
}
