import { contentOf, type FeedEvent } from '../shared/feed-event.ts'
import type { TechniqueName } from '../shared/techniques.ts'
import type { WireCounters } from '../shared/wire-stats.ts'
import { browserNow, h } from './dom.ts'
import { LatencyStats } from './latency-stats.ts'
import type { ServerClock } from './server-clock.ts'
import type { ClientListener, ClientState, TechniqueClient, TechniqueDefinition } from './technique-client.ts'

const listed = 10

/** Each figure a panel shows, with a hint on how it is measured. Keys are the `data-stat` names. */
const figures = [
  ['events', 'events received', '', 'New events this panel received, counted in the browser.'],
  ['gaps', 'gaps', '', 'Events never received: ids skipped between two that arrived (the feed numbers every event).'],
  [
    'duplicates',
    'duplicates',
    '',
    'Events that arrived again with an id already shown. Manual refresh re-sends the whole page, so it repeats by design.'
  ],
  ['latency-p50', 'latency p50', 'ms', 'Browser arrival time minus the server timestamp, clock offset corrected.'],
  ['latency-p95', 'latency p95', 'ms', '95 % of the measured latencies were at most this.'],
  ['requests', 'requests', '', 'HTTP requests the server received from this panel.'],
  ['bytes-in', 'bytes in', 'B', 'Bytes the server read from the socket: request heads, bodies, frames.'],
  ['bytes-out', 'bytes out', 'B', 'Bytes the server wrote to the socket: status lines, headers, bodies, frames.'],
  ['connections-opened', 'TCP connections', '', 'Connections the server accepted for this panel: one handshake each.'],
  ['empty-responses', 'empty responses', '', 'Polls and long polls that carried no event.'],
  ['unseen', 'not shown yet', '', 'Events the feed has published that this panel has not shown.']
] as const

type FigureKey = (typeof figures)[number][0]

/**
 * One technique's panel: its switch, state, latest events and figures. It is the
 * technique client's listener and knows nothing about how the events came.
 * Latency is measured only for events published after the panel was switched on;
 * older ones (a backlog, a reload's repeats) say nothing about delivery speed.
 */
export class Panel implements ClientListener {
  readonly name: TechniqueName
  readonly element: HTMLElement
  readonly client: TechniqueClient
  /** Where views of the wire put their buttons (open the capture, drop the connection). */
  readonly tools = h('div', { class: 'tools' })
  /** Arrival minus server timestamp, before the clock correction (which improves as samples come in). */
  readonly uncorrectedLatency = new LatencyStats()
  /** New events received since the page opened. */
  eventsReceived = 0
  /** Events skipped: ids missing between two received ones. */
  gaps = 0
  /** Events received again (an id not newer than the newest shown). */
  duplicates = 0
  /** The last server counters for this panel, from `/wire/live`. */
  wire: WireCounters | undefined
  /** Called for every timed event: when the browser got it and its latency before clock correction. */
  onTimedEvent: ((receivedAt: number, uncorrectedLatency: number) => void) | undefined

  #clock: ServerClock
  #newest: number | undefined
  #baseline: number | undefined
  #switchedOnAt = 0
  #stateText = h('span', { class: 'state-name' })
  #stateDetail = h('span', { class: 'state-detail' })
  #events = h('ol', { class: 'events', 'aria-label': 'latest events, newest first' })
  #figures = new Map<FigureKey, HTMLElement>()

  #toggle = h('input', { type: 'checkbox', name: 'enabled' })

  /** `on: false` leaves the panel switched off until the reader (or the teacher) switches it on. */
  constructor(name: TechniqueName, definition: TechniqueDefinition, clientId: string, clock: ServerClock, on = true) {
    this.name = name
    this.#clock = clock
    const toggle = this.#toggle
    const controls = h('div', { class: 'controls' })
    const stats = h('dl', { class: 'figures' })
    for (const [key, label, unit, hint] of figures) {
      const value = h('span', { 'data-stat': key }, key.startsWith('latency') ? '–' : '0')
      this.#figures.set(key, value)
      stats.append(h('div', { title: hint }, h('dt', {}, label), h('dd', {}, value, unit ? ` ${unit}` : '')))
    }
    this.element = h(
      'section',
      { class: 'panel', id: name, 'data-state': 'closed', 'aria-labelledby': `${name}-title` },
      h(
        'header',
        {},
        h('h2', { id: `${name}-title` }, definition.title),
        h('label', { class: 'switch' }, toggle, ' on')
      ),
      h('p', { class: 'how' }, definition.how),
      h('p', { class: 'state', role: 'status' }, this.#stateText, ' ', this.#stateDetail),
      controls,
      this.tools,
      stats,
      this.#events
    )
    this.client = definition.create({ clientId, listener: this, controls })
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
    for (const event of events) {
      if (this.#newest !== undefined && event.id <= this.#newest) {
        this.duplicates++
        continue
      }
      if (this.#newest !== undefined) this.gaps += event.id - this.#newest - 1
      this.#newest = event.id
      this.eventsReceived++
      // Stored uncorrected; the clock offset is added when shown, as it improves with more samples.
      const uncorrected = receivedAt - event.at
      const timed = this.#clock.toBrowser(event.at) >= this.#switchedOnAt
      if (timed) {
        this.uncorrectedLatency.add(uncorrected)
        this.onTimedEvent?.(receivedAt, uncorrected)
      }
      this.#events.prepend(this.#item(event, timed ? uncorrected + this.#clock.offset : undefined))
    }
    while (this.#events.children.length > listed) this.#events.lastElementChild?.remove()
    this.#show('events', this.eventsReceived)
    this.#show('gaps', this.gaps)
    this.#show('duplicates', this.duplicates)
    this.#showLatency()
  }

  /** Latency percentile p (0–100), clock-corrected with the best offset known now. */
  latency(p: number): number | undefined {
    const uncorrected = this.uncorrectedLatency.percentile(p)
    return uncorrected === undefined ? undefined : uncorrected + this.#clock.offset
  }

  reset(): void {
    this.#stateDetail.textContent = 'reset: the server no longer had every event after our cursor, some were missed'
  }

  state(state: ClientState, detail = ''): void {
    this.element.dataset.state = state
    this.#stateText.textContent = state
    this.#stateDetail.textContent = detail
  }

  /** Shows what the server counted for this panel; `latest` is the feed's newest id. */
  showWire(counters: WireCounters, latest: number): void {
    this.wire = counters
    this.#baseline ??= latest
    this.#show('requests', counters.requests)
    this.#show('bytes-in', counters.bytesIn)
    this.#show('bytes-out', counters.bytesOut)
    this.#show('connections-opened', counters.connectionsOpened)
    this.#show('empty-responses', counters.emptyResponses)
    this.#show('unseen', Math.max(0, latest - (this.#newest ?? this.#baseline)))
    this.#showLatency()
  }

  #showLatency(): void {
    this.#show('latency-p50', this.latency(50))
    this.#show('latency-p95', this.latency(95))
  }

  #start(): void {
    this.#switchedOnAt = browserNow()
    this.client.start()
  }

  #show(key: FigureKey, value: number | undefined): void {
    const element = this.#figures.get(key)
    if (element) element.textContent = value === undefined ? '–' : String(Math.round(value))
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
