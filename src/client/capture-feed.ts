import type { CaptureItem, CaptureStatus } from '../shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../shared/techniques.ts'

/** Request, response and close items kept per technique: the heads of the latest exchanges. */
const exchangesKept = 40
/** Stream chunks and frames kept per technique. */
const trafficKept = 300

/** How far back handshakes are counted. */
const handshakeWindowMs = 60_000

interface Kept {
  exchanges: CaptureItem[]
  traffic: CaptureItem[]
  /** Server times of the requests that came on a new TCP connection, last minute. */
  handshakes: number[]
}

/**
 * What the server captured on this page's technique sockets, as pushed over
 * `/wire/live`, kept per technique in bounded memory. Heads are kept apart from
 * frames and stream chunks, so a WebSocket's Upgrade survives a long run of frames.
 */
export class CaptureFeed {
  #kept = new Map<TechniqueName, Kept>(
    techniqueNames.map((name) => [name, { exchanges: [], traffic: [], handshakes: [] }])
  )
  #listeners = new Set<(changed: ReadonlySet<TechniqueName>) => void>()

  /** Whether the server captures this page at all (it keeps at most `maxPages`); captured until told otherwise. */
  status: CaptureStatus = { captured: true, maxPages: 0 }

  /** The server said whether it captures this page: every technique's view changes. */
  setStatus(status: CaptureStatus): void {
    this.status = status
    for (const listener of this.#listeners) listener(new Set(techniqueNames))
  }

  /** What to show instead of traffic when there is none: why, if the server does not capture this page. */
  get notCapturedReason(): string | undefined {
    if (this.status.captured) return undefined
    return `Not captured: this server keeps the wire of at most ${this.status.maxPages.toLocaleString('en')} pages, and this room has more. This page's figures are still measured; its wire views and diagrams start when a captured page has been idle for a minute.`
  }

  add(items: CaptureItem[]): void {
    const changed = new Set<TechniqueName>()
    for (const item of items) {
      const kept = this.#kept.get(item.technique)
      if (!kept) continue
      if (item.kind === 'request' && item.newConnection) kept.handshakes.push(item.at)
      const list = item.kind === 'stream' || item.kind === 'frame' ? kept.traffic : kept.exchanges
      list.push(item)
      if (list.length > (list === kept.traffic ? trafficKept : exchangesKept)) list.shift()
      changed.add(item.technique)
    }
    if (changed.size > 0) for (const listener of this.#listeners) listener(changed)
  }

  /** Every kept item of `technique`, oldest first. */
  items(technique: TechniqueName): CaptureItem[] {
    const kept = this.#kept.get(technique)
    if (!kept) return []
    return [...kept.exchanges, ...kept.traffic].sort((a, b) => a.seq - b.seq)
  }

  /** TCP handshakes (requests that came on a new connection) in the last minute before `now`, server time. */
  handshakesLastMinute(technique: TechniqueName, now: number): number {
    const kept = this.#kept.get(technique)
    if (!kept) return 0
    while (kept.handshakes.length > 0 && (kept.handshakes[0] ?? 0) < now - handshakeWindowMs) kept.handshakes.shift()
    return kept.handshakes.length
  }

  onChange(listener: (changed: ReadonlySet<TechniqueName>) => void): void {
    this.#listeners.add(listener)
  }
}
