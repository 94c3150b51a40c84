import type { CaptureItem } from '../shared/capture.ts'
import { countItem, durationPhrase, emptyTally, phrasesOf, type Tally } from './diagram-tally.ts'

/** How a diagram looks at a time window: what it covers and how many pixels that is drawn over. */
export interface WindowOptions {
  /** Server clock, epoch ms: the bottom of the diagram. */
  now: number
  /** How far back the top of the diagram is. */
  windowMs: number
  /** Height the window is drawn over, in the diagram's pixels. */
  heightPx: number
  /** Below this many pixels between marks, arrows cannot be told apart (default 4). */
  minSpacingPx?: number
  /** More marks than this in one band are summed up whatever the scale (default 12). */
  maxMarksPerBand?: number
  /** Traffic is judged dense band by band; bands are aligned to the clock (default a twentieth of the window). */
  bandMs?: number
  /** A request held shorter than this draws no bar (default 150 ms). */
  minHeldMs?: number
  /** Server time from which the kept items are complete (a memory cap dropped newer ones than the window's start). */
  completeSince?: number
}

/** What an arrow stands for, drawn with its own style. */
export type ArrowKind = 'request' | 'response' | 'push' | 'frame-in'

/** One arrow between the lanes, drawn on its own. Times are server clock, epoch ms. */
export interface PlannedArrow {
  kind: ArrowKind
  /** The lane it leaves. */
  from: 'browser' | 'server'
  fromAt: number
  toAt: number
  /** When the server's socket read or wrote it: the time that puts it in the window. */
  at: number
  /** A request on a kept-alive connection (no handshake of its own). */
  reused: boolean
  /** What it carried, for its tooltip. */
  title: string
}

/** A new connection's SYN, SYN-ACK, ACK before its first request. */
export interface PlannedHandshake {
  startAt: number
  endAt: number
}

/** How long the server held a request (long polling) before it answered. */
export interface PlannedHold {
  fromAt: number
  toAt: number
}

/** Traffic too dense to draw arrow by arrow, drawn as one band that says what it holds. */
export interface Aggregate {
  /** The band's edges (clock-aligned, clipped to the window). */
  fromAt: number
  toAt: number
  /** The first and last item it stands for. */
  firstAt: number
  lastAt: number
  tally: Tally
  /** Its counts in words, e.g. "40 requests", "40 answers". */
  phrases: string[]
  /** The stretch it covers in words, e.g. "in this second", "in these 4 s". */
  during: string
  /** `phrases` and `during` in one sentence. */
  text: string
  /** When each arrow it stands for left, and from which lane: drawn as ticks, so bursts and rhythm still show. */
  ticks: { at: number; from: 'browser' | 'server' }[]
}

/** Everything a diagram draws for one window, and what that window holds. */
export interface DiagramPlan {
  since: number
  until: number
  windowMs: number
  arrows: PlannedArrow[]
  handshakes: PlannedHandshake[]
  holds: PlannedHold[]
  /** When a connection closed. */
  closes: number[]
  aggregates: Aggregate[]
  /** Every item the window holds, drawn one by one or inside an aggregate. */
  tally: Tally
  /** The first and last item drawn (server clock); undefined when the window is empty. */
  firstAt: number | undefined
  lastAt: number | undefined
  spanMs: number
  /** When the kept items are incomplete inside the window: the time from which they are complete. */
  completeSince: number | undefined
}

/**
 * The room an item needs, in arrows: a handshake's zigzag that of two; an answer or a close,
 * which come right after their request and are read together with it, half of one.
 */
function marksOf(item: CaptureItem): number {
  if (item.kind === 'request') return item.newConnection ? 2 : 1
  return item.kind === 'response' || item.kind === 'closed' ? 0.5 : 1
}

/** The lane an item's arrow leaves; closes draw no arrow. */
function tickLaneOf(item: CaptureItem): 'browser' | 'server' | undefined {
  if (item.kind === 'closed') return undefined
  if (item.kind === 'request' || (item.kind === 'frame' && item.direction === 'in')) return 'browser'
  return 'server'
}

function labelOf(item: CaptureItem): string {
  switch (item.kind) {
    case 'request':
      return `${item.head.split('\r\n')[0] ?? ''} (${item.newConnection ? 'new connection' : 'reused connection'} #${item.connection})`
    case 'response':
      return item.head.split('\r\n')[0] ?? ''
    case 'stream':
      return item.text
    case 'frame':
      return `${item.opcodeName} frame: ${item.payload}`
    case 'closed':
      return 'connection closed'
  }
}

/**
 * What a sequence diagram draws for the window `(now - windowMs, now]`: every
 * item captured in it, as its own arrow where arrows can be told apart at this
 * scale, and as aggregates (one band that counts what it stands for) where they
 * are too dense. Arrows end when the server's socket read or wrote the bytes and
 * lean by the simulated one-way delay stamped on each item.
 */
export function planWindow(items: readonly CaptureItem[], options: WindowOptions): DiagramPlan {
  const { now, windowMs, heightPx, minSpacingPx = 4, maxMarksPerBand = 12, minHeldMs = 150 } = options
  const bandMs = options.bandMs ?? windowMs / 20
  const since = now - windowMs
  const bandPx = (bandMs / windowMs) * heightPx
  const inWindow = items.filter((item) => item.at > since && item.at <= now)

  const tally = emptyTally()
  const bands = new Map<number, CaptureItem[]>()
  let firstAt: number | undefined
  let lastAt: number | undefined
  for (const item of inWindow) {
    countItem(tally, item)
    if (firstAt === undefined || item.at < firstAt) firstAt = item.at
    if (lastAt === undefined || item.at > lastAt) lastAt = item.at
    const band = Math.floor(item.at / bandMs)
    const members = bands.get(band)
    if (members) members.push(item)
    else bands.set(band, [item])
  }
  // A band is judged by all it holds, including what came just before the window's top,
  // so that sliding the window never turns the top of a dense band into lone arrows.
  const topBand = Math.floor(since / bandMs)
  const marksInTopBand = items.reduce(
    (sum, item) => (item.at <= since && Math.floor(item.at / bandMs) === topBand ? sum + marksOf(item) : sum),
    0
  )
  const crowding = (band: number, members: CaptureItem[]) => {
    const marks = members.reduce((sum, item) => sum + marksOf(item), band === topBand ? marksInTopBand : 0)
    return Math.max((marks * minSpacingPx) / bandPx, marks / maxMarksPerBand)
  }
  const crowdings = new Map([...bands].map(([band, members]) => [band, crowding(band, members)]))
  const overOne = (band: number) => (crowdings.get(band) ?? 0) > 1
  // A band half as crowded beside a dense one, or between two, joins them: lone arrows
  // between two summaries would break one stretch of traffic into three.
  const denseBands = new Set(
    [...crowdings]
      .filter(([band, crowded]) => {
        if (crowded > 1) return true
        const neighbours = Number(overOne(band - 1)) + Number(overOne(band + 1))
        return neighbours === 2 || (neighbours === 1 && crowded > 0.5)
      })
      .map(([band]) => band)
  )
  // The band still filling up at the bottom follows the one above it, rather than flicker
  // from lone arrows to a summary every time a band begins.
  const newestBand = Math.floor(now / bandMs)
  if (bands.has(newestBand) && denseBands.has(newestBand - 1)) denseBands.add(newestBand)

  // Neighbouring dense bands make one aggregate: one sentence instead of a pile of them.
  const aggregates: Aggregate[] = []
  for (const band of [...denseBands].sort((a, b) => a - b)) {
    const members = bands.get(band) ?? []
    const last = aggregates.at(-1)
    const joins = last !== undefined && denseBands.has(band - 1)
    const aggregate: Aggregate =
      joins && last
        ? last
        : {
            fromAt: Math.max(since, band * bandMs),
            toAt: 0,
            firstAt: Number.POSITIVE_INFINITY,
            lastAt: Number.NEGATIVE_INFINITY,
            tally: emptyTally(),
            phrases: [],
            during: '',
            text: '',
            ticks: []
          }
    aggregate.toAt = Math.min(now, (band + 1) * bandMs)
    for (const item of members) {
      countItem(aggregate.tally, item)
      const from = tickLaneOf(item)
      if (from) aggregate.ticks.push({ at: item.at, from })
      aggregate.firstAt = Math.min(aggregate.firstAt, item.at)
      aggregate.lastAt = Math.max(aggregate.lastAt, item.at)
    }
    if (!joins) aggregates.push(aggregate)
  }
  for (const aggregate of aggregates) {
    aggregate.phrases = phrasesOf(aggregate.tally)
    aggregate.during = durationPhrase(aggregate.toAt - aggregate.fromAt)
    aggregate.text = `${aggregate.phrases.join(', ')} ${aggregate.during}`
  }

  const arrows: PlannedArrow[] = []
  const handshakes: PlannedHandshake[] = []
  const holds: PlannedHold[] = []
  const closes: number[] = []
  // When each connection's latest request reached the server, to draw how long it was held;
  // read from items before the window too, so a request held across its top still shows.
  const arrived = new Map<number, number>()
  for (const item of items) {
    const oneWay = item.simulatedRttMs / 2
    const drawn = item.at > since && item.at <= now && !denseBands.has(Math.floor(item.at / bandMs))
    const title = drawn ? labelOf(item) : ''
    switch (item.kind) {
      case 'request': {
        const sentAt = item.newConnection ? item.at + item.simulatedRttMs : item.at
        arrived.set(item.connection, sentAt + oneWay)
        if (!drawn) break
        if (item.newConnection) handshakes.push({ startAt: item.at, endAt: sentAt })
        arrows.push({
          kind: 'request',
          from: 'browser',
          fromAt: sentAt,
          toAt: sentAt + oneWay,
          at: item.at,
          reused: !item.newConnection,
          title
        })
        break
      }
      case 'response': {
        const leftAt = item.at - oneWay
        const reachedAt = arrived.get(item.connection)
        arrived.delete(item.connection)
        if (!drawn) break
        if (reachedAt !== undefined && leftAt - reachedAt > minHeldMs)
          holds.push({ fromAt: Math.max(since, reachedAt), toAt: leftAt })
        arrows.push({
          kind: 'response',
          from: 'server',
          fromAt: leftAt,
          toAt: item.at,
          at: item.at,
          reused: false,
          title
        })
        break
      }
      case 'stream':
      case 'frame': {
        if (!drawn) break
        const inbound = item.kind === 'frame' && item.direction === 'in'
        arrows.push(
          inbound
            ? {
                kind: 'frame-in',
                from: 'browser',
                fromAt: item.at,
                toAt: item.at + oneWay,
                at: item.at,
                reused: false,
                title
              }
            : {
                kind: 'push',
                from: 'server',
                fromAt: item.at - oneWay,
                toAt: item.at,
                at: item.at,
                reused: false,
                title
              }
        )
        break
      }
      case 'closed':
        arrived.delete(item.connection)
        if (drawn) closes.push(item.at)
        break
    }
  }

  const completeSince =
    options.completeSince !== undefined && options.completeSince > since ? options.completeSince : undefined
  return {
    since,
    until: now,
    windowMs,
    arrows,
    handshakes,
    holds,
    closes,
    aggregates,
    tally,
    firstAt,
    lastAt,
    spanMs: firstAt !== undefined && lastAt !== undefined ? lastAt - firstAt : 0,
    completeSince
  }
}
