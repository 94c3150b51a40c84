import type { FeedEvent } from '../../shared/feed-event.ts'
import {
  allTechniques,
  isTechniqueName,
  type TechniqueName,
  techniqueNames,
  techniques
} from '../../shared/techniques.ts'
import type { FeedClientMessage } from '../../shared/websocket-messages.ts'
import { ArrivalLog } from '../delivery/arrival-log.ts'
import { DeliveryStats } from '../delivery/delivery-stats.ts'
import { pausedNotice } from '../panels/paused-notice.ts'
import { techniqueTitles } from '../panels/technique-panels.ts'
import { ask } from '../platform/ask.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { PageSession } from '../platform/page-session.ts'
import { withConnectionBudget } from '../techniques/budgeted-transport.ts'
import { techniqueClients } from '../techniques/index.ts'
import {
  type ClientListener,
  type ClientState,
  type ControlsView,
  pageIo,
  type Transport
} from '../techniques/transport.ts'

/** Where each client → server message goes when the technique has no channel of its own for it. */
/** Events per second arriving are counted over this window. */
const rateWindowMs = 5_000

const postRoutes: Record<Exclude<FeedClientMessage['type'], 'ping'>, string> = {
  chat: '/feed/messages',
  move: '/game/moves'
}

/**
 * A use case's way of getting the feed: a choice of every declared technique (`?technique=` in the
 * address picks one), the chosen technique's client and controls, its state, and two measured
 * figures: events per second arriving and their latency (browser arrival minus the server's
 * timestamp, clock corrected). What the use case sends goes over the WebSocket when that is the
 * technique (full duplex), otherwise as a POST, the only way the other five can talk back.
 */
export class TechniqueChoice {
  technique: TechniqueName
  #session: PageSession
  #client: Transport | undefined
  #controlsView: ControlsView | undefined
  #onEvents: (events: FeedEvent[]) => void
  #controls = h('div', { class: 'controls' })
  #state = h('span', { class: 'state-name' }, 'closed')
  #detail = h('span', { class: 'state-detail' })
  #rate = h('strong', { 'data-stat': 'events-per-second' }, '0')
  #latency = h('strong', { 'data-stat': 'latency-p50' }, '–')
  #stats = new DeliveryStats()
  #arrivals = new ArrivalLog(rateWindowMs)
  #chosenAt = browserNow()

  /** `onEvents` gets each new event once, oldest first, whatever the technique re-delivers. */
  constructor(container: Element, session: PageSession, onEvents: (events: FeedEvent[]) => void) {
    this.#session = session
    this.#onEvents = onEvents
    const asked = new URLSearchParams(location.search).get('technique') ?? ''
    // Without a choice in the address, the one that can also send: a use case sends as well as receives.
    this.technique = isTechniqueName(asked)
      ? asked
      : (allTechniques.find((technique) => technique.duplex)?.name ?? techniqueNames[0])
    const select = h('select', { id: 'technique', name: 'technique' })
    for (const name of techniqueNames)
      select.append(new Option(techniqueTitles[name], name, false, name === this.technique))
    select.addEventListener('change', () => this.#choose(select.value as TechniqueName))
    container.append(
      h('label', { for: 'technique' }, 'Technique '),
      select,
      h('p', { class: 'state', role: 'status' }, this.#state, ' ', this.#detail),
      this.#controls,
      h(
        'p',
        { class: 'how' },
        'Measured in this browser: ',
        this.#rate,
        ` events/s arriving over the last ${rateWindowMs / 1000} s, latency p50 `,
        this.#latency,
        ' ms since this technique was chosen (arrival time minus the server timestamp, corrected by the measured clock offset).'
      )
    )
    setInterval(() => this.#showFigures(), 1000)
    this.#choose(this.technique)
  }

  /** Sends a message to the server by the chosen technique's way; the refusal's reason when it fails. */
  async send(message: Exclude<FeedClientMessage, { type: 'ping' }>): Promise<string | undefined> {
    if (techniques[this.technique].duplex)
      return this.#client?.send?.(message)
        ? undefined
        : `the ${techniques[this.technique].title} connection is not open`
    const { type, ...body } = message
    const asked = await ask(() =>
      fetch(`${postRoutes[type]}?client=${this.#session.clientId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
    )
    return asked.ok ? undefined : asked.why
  }

  #choose(name: TechniqueName): void {
    this.#client?.stop()
    this.#controls.replaceChildren()
    this.technique = name
    // Only events published since the technique was chosen say how fast it delivers (not the backlog);
    // ids go on counting from the previous technique, so a switch neither repeats nor skips an event.
    this.#stats.timeFrom(browserNow())
    this.#stats.latency.clear()
    this.#arrivals = new ArrivalLog(rateWindowMs)
    this.#chosenAt = browserNow()
    const listener: ClientListener = {
      received: (events, receivedAt) => this.#received(events, receivedAt),
      reset: () => (this.#detail.textContent = 'reset: some events were missed'),
      state: (state: ClientState, detail = '') => {
        this.#controlsView?.state?.(state)
        this.#state.textContent = state
        this.#detail.replaceChildren(detail)
      },
      paused: (notice) => {
        listener.state('paused')
        this.#detail.replaceChildren(pausedNotice(notice))
      }
    }
    const client = techniqueClients[name]
    const transport = client.create({ clientId: this.#session.clientId, listener, io: pageIo() })
    this.#controlsView = client.controls(transport, this.#controls)
    this.#client = withConnectionBudget(transport, techniques[name], this.#session.connections, listener)
    this.#client.start()
  }

  #received(events: FeedEvent[], receivedAt: number): void {
    const { clock } = this.#session
    const fresh = this.#stats.receive(events, receivedAt, (at) => clock.toBrowser(at))
    if (fresh.length === 0) return
    this.#arrivals.add(fresh, receivedAt)
    const freshIds = new Set(fresh.map((delivery) => delivery.id))
    this.#onEvents(events.filter((event) => freshIds.has(event.id)))
  }

  #showFigures(): void {
    const now = browserNow()
    this.#arrivals.trim(now)
    // A rate over the last few seconds needs that long of this technique: before that it would read low.
    this.#rate.textContent =
      now - this.#chosenAt < rateWindowMs ? '–' : (this.#arrivals.deliveries.length / (rateWindowMs / 1000)).toFixed(1)
    const p50 = this.#stats.latency.percentile(50)
    this.#latency.textContent = p50 === undefined ? '–' : String(Math.round(p50 + this.#session.clock.offset))
  }
}
