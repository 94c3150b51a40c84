import { isHttp1, protocolName } from '../platform/page-protocol.ts'
// What the six-connection demo says, computed from what it measured: never from what it expects.

/** One stream of the demo as the page saw it. */
export type StreamState = 'waiting' | 'open' | 'closed'

export interface StreamSeen {
  state: StreamState
  /** From `new EventSource` to its first `open` event, ms; undefined while it never opened. */
  openedAfterMs: number | undefined
  /** How long it has waited (while waiting) or waited in all (closed before it opened), ms. */
  waitedMs: number
}

/** The page's next request, sent while the streams are open. */
export type ProbeState = 'idle' | 'waiting' | 'answered' | 'failed'

export interface ProbeSeen {
  state: ProbeState
  /** How long it has waited so far, or took in all, ms. */
  ms: number
}

/** 3,412 ms → "3.4 s"; 86.4 ms → "86 ms". */
export function duration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

function count(streams: readonly StreamSeen[], state: StreamState): number {
  return streams.filter((stream) => stream.state === state).length
}

function range(values: number[]): string {
  const low = Math.min(...values)
  const high = Math.max(...values)
  if (duration(low) === duration(high)) return duration(low)
  // "12–40 ms" rather than "12 ms–40 ms" when both are in one unit.
  const [lowNumber, lowUnit] = duration(low).split(' ')
  return lowUnit === duration(high).split(' ')[1]
    ? `${lowNumber}–${duration(high)}`
    : `${duration(low)}–${duration(high)}`
}

/** A stream that opened this much later than the first waited for a connection to be freed, not for the server. */
const lateByMs = 250

/** "after 12–40 ms", or, when some opened much later than the first: "2 after 29–31 ms, 1 after 803 ms". */
function openedTimes(opened: number[]): string {
  const first = Math.min(...opened)
  const atOnce = opened.filter((ms) => ms - first < lateByMs)
  const late = opened.filter((ms) => ms - first >= lateByMs)
  if (late.length === 0) return `after ${range(opened)}`
  return `${atOnce.length} after ${range(atOnce)}, ${late.length} after ${range(late)}`
}

/** What the probe shows: "took 12 ms", "waiting 3.4 s…". */
export function probeText(probe: ProbeSeen): string {
  if (probe.state === 'idle') return 'not sent yet'
  if (probe.state === 'waiting') return `waiting ${duration(probe.ms)}…`
  if (probe.state === 'failed') return `failed after ${duration(probe.ms)}`
  return `answered after ${duration(probe.ms)}`
}

/**
 * The summary line, for a live region: it changes only when a stream or the probe changes state,
 * never with the ticking timers, so a screen reader hears each change once.
 */
export function summaryText(streams: readonly StreamSeen[], probe: ProbeSeen, running: boolean): string {
  const open = count(streams, 'open')
  const waiting = count(streams, 'waiting')
  const opened = streams.filter((stream) => stream.openedAfterMs !== undefined).length
  const next =
    probe.state === 'waiting'
      ? ' The page’s next request is waiting.'
      : probe.state === 'answered'
        ? ' The page’s next request was answered.'
        : probe.state === 'failed'
          ? ' The page’s next request failed.'
          : ''
  if (running) return `${open} of ${streams.length} streams open, ${waiting} waiting.${next}`
  const never = streams.length - opened
  return `Closed. ${opened} of ${streams.length} streams had opened${never > 0 ? `, ${never} never did` : ''}.${next}`
}

export interface Explained {
  nextHopProtocol: string
  /** Connections this browser's pages already held with streams of their own (HTTP/1.x only). */
  alreadyHeld: number | undefined
  /** The browser's connections per server over HTTP/1.1. */
  perServer: number
}

/**
 * The line that says why: the protocol's rule, then what was measured. It claims a cause only
 * when what was measured agrees with it.
 */
export function explanationText(streams: readonly StreamSeen[], probe: ProbeSeen, context: Explained): string {
  const { nextHopProtocol, alreadyHeld, perServer } = context
  const protocol = protocolName(nextHopProtocol)
  const total = streams.length
  const opened = streams.flatMap((stream) => (stream.openedAfterMs === undefined ? [] : [stream.openedAfterMs]))
  const waiting = streams.filter((stream) => stream.state === 'waiting')
  const never = streams.filter((stream) => stream.openedAfterMs === undefined && stream.state === 'closed')
  const openedPart = opened.length === 0 ? 'none opened' : `${opened.length} opened (${openedTimes(opened)})`
  const took = probe.state === 'answered' ? ` The page’s next request took ${duration(probe.ms)}.` : ''
  if (total === 0) return ''
  if (isHttp1(nextHopProtocol)) {
    const held =
      alreadyHeld === undefined
        ? ''
        : ` This browser’s pages already held ${alreadyHeld} of its ${perServer} connections here with streams of their own.`
    // More open than the held ones left free: one of those let its connection go (a long poll does, between answers).
    const freed =
      alreadyHeld !== undefined && alreadyHeld + opened.length > perServer
        ? ` ${alreadyHeld} + ${opened.length} is more than ${perServer}: a response those pages held ended (as a long poll’s does when answered) and one of these took its connection.`
        : ''
    const rule = `Over ${protocol} this browser opens at most ${perServer} connections to one server, and each open stream keeps one.${held}`
    if (opened.length === total) return `${rule} All ${total} streams opened (${openedTimes(opened)}).${took}`
    if (waiting.length > 0) {
      const longest = Math.max(...waiting.map((stream) => stream.waitedMs))
      const behind = probe.state === 'waiting' ? ', and so does the page’s next request' : ''
      return `${rule} Of ${total} streams, ${openedPart}; ${waiting.length} wait${waiting.length === 1 ? 's' : ''} for a free connection (${duration(longest)} so far)${behind}.${freed}${took}`
    }
    const longest = Math.max(...never.map((stream) => stream.waitedMs))
    return `${rule} Of ${total} streams, ${openedPart}; ${never.length} never opened (waited up to ${duration(longest)}, until closed).${freed}${took}`
  }
  if (opened.length === total)
    return `Over ${protocol} one connection carries many requests at once: all ${total} streams opened (${openedTimes(opened)}).${took}`
  return `This page came over ${protocol}. Of ${total} streams, ${openedPart}; ${waiting.length} waiting, ${never.length} closed before opening.${took}`
}
