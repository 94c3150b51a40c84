import { isPulled, type TechniqueName, techniques } from '../../shared/techniques.ts'
import type { WireCounters } from '../../shared/wire-stats.ts'

/** What the teacher asks about: how many students, which technique, at which settings. */
export interface CostSettings {
  students: number
  technique: TechniqueName
  /** Polling: ms between polls. */
  pollIntervalMs: number
  /** Polling: keep-alive on reuses one connection; off opens a new one (a TCP handshake) for every poll. */
  keepAlive: boolean
  /** Refresh and AJAX: how often each student clicks. */
  clicksPerMinute: number
  /** Long polling: how long the server holds a request when there is no news. */
  longPollTimeoutMs: number
  /** Feed events per second. */
  feedRate: number
}

/** One figure measured in this run that the estimate is built on. */
export interface MeasuredFigure {
  name: 'bytes in per request' | 'bytes out per request' | 'bytes out per new event' | 'new connections per request'
  value: number
  /** How many requests (or new events) it was averaged over. */
  from: number
  fromWhat: 'requests' | 'new events'
}

/** What N students would cost the server, per second. */
export interface CostEstimate {
  requestsPerSecond: number
  handshakesPerSecond: number
  bytesInPerSecond: number
  bytesOutPerSecond: number
  openConnections: number
  /** The measured figures used. */
  used: MeasuredFigure[]
  /** The formulas applied, in words, for the screen. */
  formulas: string[]
}

/** How many requests per second N students make: the one part that depends on the technique. */
export function requestsPerSecond(settings: CostSettings): number {
  const { students } = settings
  switch (techniques[settings.technique].asking) {
    case 'by hand':
      return (students * settings.clicksPerMinute) / 60
    case 'on a timer':
      return students / (settings.pollIntervalMs / 1000)
    case 'again at once':
      // The server answers as soon as there is news, or after the timeout when there is none.
      return students * Math.max(settings.feedRate, 1000 / settings.longPollTimeoutMs)
    case 'once':
      return 0 // one request each to connect, then the server pushes
  }
}

function requestFormula(settings: CostSettings): string {
  switch (techniques[settings.technique].asking) {
    case 'by hand':
      return 'requests/s = students × clicks per minute ÷ 60'
    case 'on a timer':
      return 'requests/s = students ÷ poll interval (s)'
    case 'again at once':
      return 'requests/s = students × max(feed rate, 1 ÷ timeout (s))'
    case 'once':
      return 'requests/s ≈ 0 once connected (one request each to connect)'
  }
}

/**
 * The estimate for `settings`, from the counters this page measured for the technique
 * (`measured`) and the events it received that were published while it was on (`newEvents`,
 * the panels' per-event rule: the catch-up of a first answer is not divided by, its bytes are),
 * or undefined when nothing was measured yet: a pull technique needs at least one request, a
 * push one at least one new event.
 */
export function estimateCost(
  settings: CostSettings,
  measured: WireCounters,
  newEvents: number
): CostEstimate | undefined {
  const { students } = settings
  const technique = techniques[settings.technique]
  const requests = requestsPerSecond(settings)
  if (isPulled(technique)) {
    if (measured.requests === 0) return undefined
    const inPerRequest = measured.bytesIn / measured.requests
    const outPerRequest = measured.bytesOut / measured.requests
    const connectionsPerRequest = measured.connectionsOpened / measured.requests
    const used: MeasuredFigure[] = [
      { name: 'bytes in per request', value: inPerRequest, from: measured.requests, fromWhat: 'requests' },
      { name: 'bytes out per request', value: outPerRequest, from: measured.requests, fromWhat: 'requests' }
    ]
    const formulas = [
      requestFormula(settings),
      'bytes in/s = requests/s × measured bytes in per request',
      'bytes out/s = requests/s × measured bytes out per request'
    ]
    let handshakes: number
    let open: number
    if (technique.asking === 'on a timer' && !settings.keepAlive) {
      handshakes = requests
      open = 0
      formulas.push('keep-alive off: new TCP handshakes/s = requests/s; no connection stays open between polls')
    } else if (technique.asking === 'on a timer') {
      handshakes = 0
      open = students
      formulas.push('keep-alive on: each student reuses one open connection, so ≈ 0 new handshakes/s after the first')
    } else {
      handshakes = requests * connectionsPerRequest
      open = students
      used.push({
        name: 'new connections per request',
        value: connectionsPerRequest,
        from: measured.requests,
        fromWhat: 'requests'
      })
      formulas.push(
        'new TCP handshakes/s = requests/s × measured new connections per request',
        technique.asking === 'again at once'
          ? 'open connections = students (each holds a request open)'
          : 'open connections = students (kept alive, idle between clicks)'
      )
    }
    return {
      requestsPerSecond: requests,
      handshakesPerSecond: handshakes,
      bytesInPerSecond: requests * inPerRequest,
      bytesOutPerSecond: requests * outPerRequest,
      openConnections: open,
      used,
      formulas
    }
  }
  if (newEvents === 0) return undefined
  const outPerEvent = measured.bytesOut / newEvents
  return {
    requestsPerSecond: 0,
    handshakesPerSecond: 0,
    bytesInPerSecond: 0,
    bytesOutPerSecond: students * settings.feedRate * outPerEvent,
    openConnections: students,
    used: [{ name: 'bytes out per new event', value: outPerEvent, from: newEvents, fromWhat: 'new events' }],
    formulas: [
      requestFormula(settings),
      'bytes out/s = students × feed rate × measured bytes out per new event',
      technique.duplex
        ? 'bytes in/s ≈ 0: only what students send themselves (chat, pings)'
        : 'bytes in/s ≈ 0: the browser sends nothing on an open stream',
      'open connections = students'
    ]
  }
}
