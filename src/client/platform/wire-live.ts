import type { CaptureItem, CaptureStatus, NetworkConditions } from '../../shared/capture.ts'
import type { ClassroomState } from '../../shared/classroom.ts'
import type { TickerSettings } from '../../shared/ticker-settings.ts'
import type { PublishedEvent, WireLiveClientMessage, WireLiveServerMessage } from '../../shared/websocket-messages.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import { browserNow } from './dom.ts'
import { explainWebSocketFailure, webSocketOpened } from './origin-banner.ts'
import type { ServerClock } from './server-clock.ts'

// A quick burst of clock samples at first (one of them will have a short round trip), then a slow trickle.
const clockSampleDelaysMs = [0, 100, 200, 400, 800, 1_600, 3_200]
const clockEveryMs = 5_000
const reconnectAfterMs = 2_000

/** What a part of the page wants to hear from `/wire/live`. */
export interface WireLiveListener {
  /** This page's counters, twice a second. */
  report?: (report: WireReport) => void
  /** Items newly captured on this page's technique sockets. */
  capture?: (items: CaptureItem[]) => void
  /** Whether this page's sockets are captured at all (told when not, and when that changes). */
  captureStatus?: (status: CaptureStatus) => void
  /** The simulated network conditions, on connect and on every change. */
  network?: (network: NetworkConditions) => void
  /** What the presenter has set for the room, on connect and on every change. */
  classroom?: (state: ClassroomState) => void
  /** The feed's rate and pause, on connect and on every change. */
  ticker?: (settings: TickerSettings) => void
  /** Events the feed published since the last message (ids and server timestamps), twice a second. */
  published?: (events: PublishedEvent[]) => void
  /** With several instances: whether this one reaches the shared store, on connect and on every change. */
  feedStore?: (reachable: boolean) => void
}

/**
 * The page's own line to the server's accounting: a WebSocket on `/wire/live`
 * that pushes this page's counters twice a second and answers clock samples.
 * It is a separate connection from every technique's, so watching the figures
 * never changes them (its traffic is counted in the "page" row).
 * It also carries what the server captured on this page's sockets, and the
 * simulated network conditions.
 */
export class WireLive {
  /** The newest report received, if any. */
  latest: WireReport | undefined
  #url: string
  #clientId: string
  #clock: ServerClock
  #listeners: WireLiveListener[] = []
  #waiting = new Set<(report: WireReport) => void>()

  constructor(clientId: string, clock: ServerClock) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    this.#url = `${scheme}://${location.host}/wire/live?client=${clientId}`
    this.#clientId = clientId
    this.#clock = clock
  }

  listen(listener: WireLiveListener): void {
    this.#listeners.push(listener)
  }

  start(): void {
    const socket = new WebSocket(this.#url)
    const send = (message: WireLiveClientMessage) => socket.send(JSON.stringify(message))
    const sampleClock = () => send({ type: 'clock', t: browserNow() })
    const timers: ReturnType<typeof setTimeout>[] = []
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      webSocketOpened()
      for (const delay of clockSampleDelaysMs) timers.push(setTimeout(sampleClock, delay))
      timers.push(setInterval(sampleClock, clockEveryMs))
    })
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(message.data) as WireLiveServerMessage
      if (data.type === 'clock') return this.#clock.sample(data.t, data.server, browserNow())
      if (data.type === 'capture') for (const listener of this.#listeners) listener.capture?.(data.items)
      if (data.type === 'capture-status') for (const listener of this.#listeners) listener.captureStatus?.(data)
      if (data.type === 'network') for (const listener of this.#listeners) listener.network?.(data.network)
      if (data.type === 'classroom') for (const listener of this.#listeners) listener.classroom?.(data.classroom)
      if (data.type === 'ticker') for (const listener of this.#listeners) listener.ticker?.(data.ticker)
      if (data.type === 'published') for (const listener of this.#listeners) listener.published?.(data.events)
      if (data.type === 'feed-store') for (const listener of this.#listeners) listener.feedStore?.(data.reachable)
      if (data.type !== 'report') return
      this.latest = data.report
      for (const listener of this.#listeners) listener.report?.(data.report)
      for (const resolve of this.#waiting) resolve(data.report)
    })
    socket.addEventListener('close', () => {
      for (const timer of timers) clearTimeout(timer)
      // Closed before opening: the handshake failed, and the browser does not say why (1006). Ask.
      if (!opened) void explainWebSocketFailure(this.#clientId)
      setTimeout(() => this.start(), reconnectAfterMs)
    })
  }

  /** The first report that satisfies `test`, or undefined after `timeoutMs`. */
  until(test: (report: WireReport) => boolean, timeoutMs = 5_000): Promise<WireReport | undefined> {
    return new Promise((resolve) => {
      const check = (report: WireReport) => {
        if (!test(report)) return
        done(report)
      }
      const done = (report: WireReport | undefined) => {
        clearTimeout(timer)
        this.#waiting.delete(check)
        resolve(report)
      }
      const timer = setTimeout(() => done(undefined), timeoutMs)
      this.#waiting.add(check)
    })
  }
}
