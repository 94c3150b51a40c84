import './six-connections.css'
import { type ConnectionBudget, connectionsPerServer } from '../platform/connection-budget.ts'
import { h } from '../platform/dom.ts'
import { isHttp1, pageProtocol, protocolName } from '../platform/page-protocol.ts'
import { randomClientId } from '../platform/page-session.ts'
import { DemoStream } from './demo-stream.ts'
import { ServerCount } from './server-count.ts'
import { duration, explanationText, type ProbeSeen, probeText, summaryText } from './six-connections-text.ts'

/** The page's next request leaves this long after the streams were asked for. */
const probeAfterMs = 500
/** The streams close by themselves after this long, so a forgotten demo cannot starve the page. */
export const autoCloseMs = 30_000
const redrawEveryMs = 100
export const defaultStreams = 8
const mostStreams = 10

export interface SixConnectionsOptions {
  /** This page's share of the browser's connections: the demo does not go through it, it only reads it. */
  budget: ConnectionBudget
  /** The feed's newest id, so the streams start from now rather than replay the backlog. */
  latestId(): number | undefined
  /** This page's own id: its questions about the streams are charged to it, not to the streams' id. */
  pageId: string
}

/**
 * "Open N event streams from this page": N EventSources to the feed, each shown waiting or open
 * with the time it took, then the page's next ordinary request, timed; beside them the page's
 * protocol as the browser reports it and the server's count of the connections. It does not go
 * through the connection budget: it is there to show the limit the budget works around.
 */
export class SixConnections {
  readonly element: HTMLElement
  #options: SixConnectionsOptions
  #protocol = pageProtocol()
  #count = h('input', { type: 'number', min: '1', max: String(mostStreams), value: String(defaultStreams) })
  #open = h('button', { type: 'button', name: 'open' })
  #close = h('button', { type: 'button', name: 'close', disabled: '' }, 'Close them')
  #autoClose = h('p', { class: 'six-auto-close' })
  #summary = h('p', { class: 'six-summary', role: 'status', 'aria-live': 'polite' })
  #explanation = h('p', { class: 'six-explanation' })
  #rows = h('ol', { class: 'six-streams', 'aria-label': 'The streams' })
  #probe = h('p', { class: 'six-probe', 'data-probe-state': 'idle' })
  #server: ServerCount
  #streams: DemoStream[] = []
  #probeSeen: ProbeSeen = { state: 'idle', ms: 0 }
  #alreadyHeld: number | undefined
  #openedAt = 0
  #running = false
  #timers: ReturnType<typeof setTimeout>[] = []
  #redraw: ReturnType<typeof setInterval> | undefined

  constructor(root: HTMLElement, options: SixConnectionsOptions) {
    this.element = root
    this.#options = options
    root.dataset.sixConnections = ''
    root.dataset.protocol = this.#protocol
    root.querySelector('.six-connections-no-script')?.remove()
    const countId = `${root.id || 'six-connections'}-count`
    this.#count.id = countId
    this.#count.setAttribute('inputmode', 'numeric')
    this.#count.addEventListener('input', () => this.#labelOpen())
    this.#open.addEventListener('click', () => this.open(this.#chosen()))
    this.#close.addEventListener('click', () => this.close())
    this.#server = new ServerCount(isHttp1(this.#protocol), options.pageId, (value) => {
      if (value === undefined) delete root.dataset.serverConnections
      else root.dataset.serverConnections = String(value)
    })
    this.#labelOpen()
    this.#drawAutoClose()
    const protocol = h(
      'div',
      { class: 'six-figure' },
      h('span', { class: 'six-figure-label' }, 'This page came over'),
      h('strong', { class: 'six-protocol' }, protocolName(this.#protocol)),
      h('span', { class: 'six-figure-how' }, `as this browser reports it (nextHopProtocol "${this.#protocol}")`)
    )
    root.append(
      h(
        'p',
        { class: 'six-intro' },
        'Each stream is an EventSource to ',
        h('code', {}, '/feed/sse'),
        ', a response the server holds open. Half a second later the page sends one ordinary request, ',
        h('code', {}, 'GET /feed/ajax'),
        '. Every time here is measured in this page, from asking to answer.'
      ),
      h(
        'div',
        { class: 'six-body' },
        h(
          'div',
          { class: 'six-controls' },
          h('label', { for: countId }, 'streams (1–10) '),
          this.#count,
          this.#open,
          this.#close,
          this.#autoClose
        ),
        h('div', { class: 'six-figures' }, protocol, this.#server.element),
        this.#summary,
        this.#explanation,
        this.#rows,
        this.#probe
      )
    )
    this.#drawProbe()
    addEventListener('pagehide', () => this.close())
  }

  /** Opens `n` streams (closing any still open), then sends the page's next request. */
  open(n: number): void {
    this.close()
    const client = randomClientId()
    const after = this.#options.latestId()
    const query = new URLSearchParams({ client, ...(after === undefined ? {} : { after: String(after) }) })
    const { held } = this.#options.budget.holding()
    this.#alreadyHeld = isHttp1(this.#protocol) ? held : undefined
    this.#openedAt = performance.now()
    this.#running = true
    this.#streams = Array.from({ length: n }, (_, i) => new DemoStream(`/feed/sse?${query}`, i + 1))
    this.#rows.replaceChildren(...this.#streams.map((stream) => stream.row))
    this.#probeSeen = { state: 'idle', ms: 0 }
    this.#timers.push(
      setTimeout(() => void this.#sendProbe(client, after), probeAfterMs),
      setTimeout(() => this.close(), autoCloseMs)
    )
    this.#server.start(client, n)
    this.#open.disabled = true
    this.#close.disabled = false
    this.element.dataset.running = ''
    clearInterval(this.#redraw)
    this.#redraw = setInterval(() => this.#draw(), redrawEveryMs)
    this.#draw()
  }

  /** The button that opens the streams (a prediction before the demo holds it until answered). */
  get openButton(): HTMLButtonElement {
    return this.#open
  }

  /** Closes every stream; the probe and the server's count go on until answered. */
  close(): void {
    if (!this.#running) return
    this.#running = false
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers = []
    // The waiting ones first: closing an open one frees its connection, and the browser would hand it
    // to a waiting stream's request, which would reach the server just before being cancelled.
    const waitingFirst = [...this.#streams].sort(
      (a, b) => Number(a.seen.state === 'open') - Number(b.seen.state === 'open')
    )
    for (const stream of waitingFirst) stream.close()
    this.#server.stopAfterClosing()
    this.#open.disabled = false
    this.#close.disabled = true
    delete this.element.dataset.running
    this.#draw()
  }

  #chosen(): number {
    const n = Math.round(Number(this.#count.value))
    return Number.isFinite(n) ? Math.min(mostStreams, Math.max(1, n)) : defaultStreams
  }

  #labelOpen(): void {
    const n = this.#chosen()
    this.#open.textContent = `Open ${n} ${n === 1 ? 'stream' : 'streams'}`
  }

  async #sendProbe(client: string, after: number | undefined): Promise<void> {
    const startedAt = performance.now()
    const probe: ProbeSeen = { state: 'waiting', ms: 0 }
    this.#probeSeen = probe
    const tick = setInterval(() => {
      if (probe.state === 'waiting') probe.ms = performance.now() - startedAt
    }, redrawEveryMs)
    const query = new URLSearchParams({ client, ...(after === undefined ? {} : { after: String(after) }) })
    try {
      const response = await fetch(`/feed/ajax?${query}`, { cache: 'no-store' })
      probe.ms = performance.now() - startedAt
      probe.state = response.ok ? 'answered' : 'failed'
      await response.body?.cancel()
    } catch {
      probe.ms = performance.now() - startedAt
      probe.state = 'failed'
    } finally {
      clearInterval(tick)
      this.#draw()
    }
  }

  #draw(): void {
    for (const stream of this.#streams) stream.draw()
    const seen = this.#streams.map((stream) => stream.seen)
    const summary = summaryText(seen, this.#probeSeen, this.#running)
    if (this.#summary.textContent !== summary) this.#summary.textContent = summary
    this.#explanation.textContent = explanationText(seen, this.#probeSeen, {
      nextHopProtocol: this.#protocol,
      alreadyHeld: this.#alreadyHeld,
      perServer: connectionsPerServer
    })
    this.#drawProbe()
    this.#drawAutoClose()
    // Nothing left to change: stop redrawing.
    if (!this.#running && this.#probeSeen.state !== 'waiting') {
      clearInterval(this.#redraw)
      this.#redraw = undefined
    }
  }

  #drawProbe(): void {
    const probe = this.#probeSeen
    this.#probe.dataset.probeState = probe.state
    this.#probe.dataset.probeMs = String(Math.round(probe.ms))
    this.#probe.replaceChildren(
      'The page’s next request, ',
      h('code', {}, 'GET /feed/ajax'),
      `, sent ${duration(probeAfterMs)} after the streams: `,
      h('strong', {}, probeText(probe))
    )
  }

  #drawAutoClose(): void {
    const left = autoCloseMs - (performance.now() - this.#openedAt)
    const when = this.#running ? ` (in ${Math.ceil(left / 1000)} s)` : ''
    this.#autoClose.textContent = `They close by themselves ${autoCloseMs / 1000} s after opening${when}, so a forgotten demo cannot starve the page.`
  }
}
