import { type CaptureItem, type CaptureStatus, isTrafficItem } from '../../shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'

/** Items are kept this long (server clock, behind the newest item): the diagrams' 20 s and a margin. */
export const keptForMs = 25_000
/** Most items kept per technique, whatever their age, so memory stays bounded at any rate. */
export const itemsCapPerTechnique = 5_000
/**
 * The latest request, response and close items, and the latest stream chunks and frames, are kept
 * however old they are: the wire view shows the latest exchanges (a WebSocket's Upgrade among them)
 * and frames even when the technique has been quiet for longer than `keptForMs`.
 */
const exchangesAlwaysKept = 40
const trafficAlwaysKept = 300

/** How far back handshakes are counted. */
const handshakeWindowMs = 60_000

interface Kept {
  exchanges: CaptureItem[]
  traffic: CaptureItem[]
  /** Server times of the requests that came on a new TCP connection, last minute. */
  handshakes: number[]
  /** The newest `at` of an item the cap dropped: from then on the kept items are complete. */
  cappedAt: number | undefined
}

/**
 * What the server captured on this page's technique sockets, as pushed over
 * `/wire/live`, kept per technique: everything of the last `keptForMs`, at most
 * `itemsCapPerTechnique` items. Heads are kept apart from frames and stream chunks,
 * so a WebSocket's Upgrade survives a long run of frames.
 */
export class CaptureFeed {
  #kept = new Map<TechniqueName, Kept>(
    techniqueNames.map((name) => [name, { exchanges: [], traffic: [], handshakes: [], cappedAt: undefined }])
  )
  #listeners = new Set<(changed: ReadonlySet<TechniqueName>) => void>()
  /** The newest server time seen on any item: what "the last 25 s" is counted back from. */
  #newestAt = Number.NEGATIVE_INFINITY

  /** Whether the server captures this page at all (it keeps at most `maxPages`); captured until told otherwise. */
  status: CaptureStatus = { captured: true, maxPages: 0 }

  /** The server said whether it captures this page: every technique's view changes. */
  setStatus(status: CaptureStatus): void {
    this.status = status
    for (const listener of this.#listeners) listener(new Set(techniqueNames))
  }

  /**
   * With several instances: the one whose capture this is (the one holding this page's `/wire/live`),
   * then the others that served this page, whose sockets it cannot see.
   */
  instances: readonly string[] = []

  /** The report named the instances counted for this page: the views say whose capture they show. */
  setInstances(instances: readonly string[]): void {
    if (instances.join() === this.instances.join()) return
    this.instances = instances
    for (const listener of this.#listeners) listener(new Set(techniqueNames))
  }

  /** With several instances: whose sockets this capture is, and whose exchanges it cannot show. */
  get capturedBy(): string | undefined {
    const [own, ...others] = this.instances
    if (own === undefined) return undefined
    if (others.length === 0) return `Captured by instance ${own}, the only one that has served this page so far.`
    return `Captured by instance ${own}, which this page's stats channel is on. Each instance captures only its own sockets: what instance ${others.join(' and ')} served is not listed here. Every response head names its instance (wirewatch-instance).`
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
      ;(isTrafficItem(item) ? kept.traffic : kept.exchanges).push(item)
      if (item.at > this.#newestAt) this.#newestAt = item.at
      changed.add(item.technique)
    }
    if (changed.size === 0) return
    for (const kept of this.#kept.values()) this.#prune(kept)
    for (const listener of this.#listeners) listener(changed)
  }

  /** Every kept item of `technique`, oldest first. */
  items(technique: TechniqueName): CaptureItem[] {
    const kept = this.#kept.get(technique)
    if (!kept) return []
    // Both lists are in seq order already: merge them.
    const { exchanges, traffic } = kept
    const merged: CaptureItem[] = []
    let e = 0
    let t = 0
    while (e < exchanges.length || t < traffic.length) {
      const exchange = exchanges[e]
      const frame = traffic[t]
      if (frame === undefined || (exchange !== undefined && exchange.seq < frame.seq)) {
        if (exchange) merged.push(exchange)
        e++
      } else {
        merged.push(frame)
        t++
      }
    }
    return merged
  }

  /**
   * Server time from which `technique`'s kept items are complete, when the cap ever dropped any
   * (undefined when only age dropped items: then everything of the last `keptForMs` is kept).
   */
  completeSince(technique: TechniqueName): number | undefined {
    return this.#kept.get(technique)?.cappedAt
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

  #prune(kept: Kept): void {
    const cutoff = this.#newestAt - keptForMs
    const expired = (list: CaptureItem[], floor: number) => {
      let n = 0
      while (list.length - n > floor && (list[n]?.at ?? cutoff) < cutoff) n++
      return n
    }
    kept.exchanges.splice(0, expired(kept.exchanges, exchangesAlwaysKept))
    kept.traffic.splice(0, expired(kept.traffic, trafficAlwaysKept))
    // Past the cap, the oldest of the two lists goes first (the exchanges' floor stays, for the wire view).
    let over = kept.exchanges.length + kept.traffic.length - itemsCapPerTechnique
    let dropExchanges = 0
    let dropTraffic = 0
    while (over > 0) {
      const exchange = kept.exchanges[dropExchanges]
      const frame = kept.traffic[dropTraffic]
      const exchangeFirst =
        exchange !== undefined &&
        kept.exchanges.length - dropExchanges > exchangesAlwaysKept &&
        (frame === undefined || exchange.seq < frame.seq)
      const dropped = exchangeFirst ? exchange : frame
      if (dropped === undefined) break
      if (exchangeFirst) dropExchanges++
      else dropTraffic++
      kept.cappedAt = Math.max(kept.cappedAt ?? dropped.at, dropped.at)
      over--
    }
    kept.exchanges.splice(0, dropExchanges)
    kept.traffic.splice(0, dropTraffic)
  }
}
