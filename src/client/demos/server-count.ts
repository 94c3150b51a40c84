import type { WireReport } from '../../shared/wire-stats.ts'
import { h } from '../platform/dom.ts'

/** `GET /wire?client=` with the server's count of the TCP connections open now that carried the client's requests. */
type CountedReport = WireReport & { connectionsNow?: { http1: number; http2: number } }

const askEveryMs = 1_000
/** After the streams close, asked this many more times: the count falls as the server sees them go. */
const asksAfterClosing = 3
/** A question unanswered this long is waiting in the browser for a connection. */
const queuedAfterMs = 1_500

/**
 * The server's count of the connections carrying the demo's streams, asked once a second while they
 * are open. Over HTTP/1.x the question goes without credentials (`credentials: 'omit'`): browsers keep
 * such requests on connections of their own, so it does not wait behind the streams it counts.
 */
export class ServerCount {
  readonly element = h('div', { class: 'six-figure six-server' })
  #http1: boolean
  #asker: string
  #changed: (value: number | undefined) => void
  #client: string | undefined
  #streams = 0
  #asksLeft = Number.POSITIVE_INFINITY
  #timer: ReturnType<typeof setTimeout> | undefined
  #askedAt: number | undefined
  #report: CountedReport | undefined

  /** `asker`: the page's own id, charged with the questions, so they add no connection to the count. */
  constructor(http1: boolean, asker: string, changed: (value: number | undefined) => void) {
    this.#http1 = http1
    this.#asker = asker
    this.#changed = changed
    this.#draw()
  }

  /** Counts for the demo's page id `client`, which opened `streams` streams. */
  start(client: string, streams: number): void {
    clearTimeout(this.#timer)
    this.#client = client
    this.#streams = streams
    this.#report = undefined
    this.#asksLeft = Number.POSITIVE_INFINITY
    this.#draw()
    this.#timer = setTimeout(() => void this.#ask(client), askEveryMs)
  }

  stopAfterClosing(): void {
    this.#asksLeft = asksAfterClosing
  }

  async #ask(client: string): Promise<void> {
    this.#askedAt = performance.now()
    const slow = setTimeout(() => this.#draw(), queuedAfterMs)
    try {
      const response = await fetch(`/wire?client=${client}&asker=${this.#asker}`, {
        cache: 'no-store',
        credentials: this.#http1 ? 'omit' : 'same-origin'
      })
      if (response.ok && client === this.#client) this.#report = (await response.json()) as CountedReport
    } catch {
      // The next question may be answered.
    } finally {
      clearTimeout(slow)
      this.#askedAt = undefined
    }
    if (client !== this.#client) return
    this.#draw()
    if (--this.#asksLeft > 0) this.#timer = setTimeout(() => void this.#ask(client), askEveryMs)
  }

  #draw(): void {
    const report = this.#report
    const now = report?.connectionsNow
    const value = now ? now.http1 + now.http2 : report?.techniques.sse.openConnections
    this.#changed(value)
    const label = now
      ? 'TCP connections open now that carried this demo’s streams or its next request'
      : report
        ? 'Connections whose latest request was one of these streams'
        : 'The server’s count of the connections carrying these streams'
    const split = now ? ` (${now.http1} HTTP/1.1, ${now.http2} HTTP/2)` : ''
    const waiting =
      this.#askedAt !== undefined && performance.now() - this.#askedAt >= queuedAfterMs
        ? ' Asking the server: the question is waiting for a connection too.'
        : ''
    const received = report
      ? `Stream requests the server has received: ${report.techniques.sse.requests} of ${this.#streams}.`
      : ''
    this.element.replaceChildren(
      h('span', { class: 'six-figure-label' }, label),
      h('strong', { class: 'six-server-count' }, value === undefined ? '—' : String(value)),
      h('span', { class: 'six-figure-how' }, report ? `as the server counts them, now${split}.${waiting}` : waiting),
      h('span', { class: 'six-figure-how' }, received)
    )
  }
}
