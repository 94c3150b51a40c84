import type { TechniqueName } from '../../shared/techniques.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import { connectionsPerServer } from '../platform/connection-budget.ts'
import { h } from '../platform/dom.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import { connectionLimitLesson } from './paused-notice.ts'

/** A request the server has not seen after this long is waiting in the browser, not at the server. */
const queuedAfterMs = 1_000
/** Clock correction is good to a few ms: a request seen this much before it was sent is an earlier one. */
const seenMarginMs = 50

/**
 * A panel's line saying that its request under way waits in the browser's queue, not at the server:
 * a request the server has not seen (`lastRequestAt` in its reports) a second after it was sent.
 * Never shown as a slow server. `marked` hears whether it is shown (the panel's `data-queued`).
 */
export class QueuedRequest {
  readonly element = h('p', { class: 'queued', role: 'status', hidden: '' })
  #name: TechniqueName
  #clock: ServerClock
  #marked: (queued: boolean) => void
  /** When the request under way was handed to the browser, browser clock. */
  #since: number | undefined

  constructor(name: TechniqueName, clock: ServerClock, marked: (queued: boolean) => void) {
    this.#name = name
    this.#clock = clock
    this.#marked = marked
  }

  /** A request left at `since`, or (undefined) the one under way was answered or given up. */
  asking(since: number | undefined): void {
    this.#since = since
    if (since === undefined) this.#show(undefined)
  }

  /** Checks the request under way against what the server reported seeing. */
  check(report: WireReport): void {
    const since = this.#since
    if (since === undefined) return
    const reportedAt = this.#clock.toBrowser(report.at)
    const lastSeen = report.lastRequestAt?.[this.#name]
    const seen = lastSeen !== undefined && this.#clock.toBrowser(lastSeen) >= since - seenMarginMs
    this.#show(!seen && reportedAt - since > queuedAfterMs ? reportedAt - since : undefined)
  }

  #show(waitedMs: number | undefined): void {
    this.element.hidden = waitedMs === undefined
    this.#marked(waitedMs !== undefined)
    if (waitedMs === undefined) {
      this.element.replaceChildren()
      return
    }
    this.element.replaceChildren(
      `queued in this browser for ${(waitedMs / 1000).toFixed(1)} s: the server has not received this request yet. `,
      `The browser sends it when one of its ${connectionsPerServer} HTTP/1.1 connections to this server is free. `,
      h('a', { href: connectionLimitLesson }, 'why?')
    )
  }
}
