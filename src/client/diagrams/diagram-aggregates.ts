import type { CaptureItem } from '../../shared/capture.ts'
import { countItem, durationPhrase, emptyTally, phrasesOf, type Tally } from './diagram-tally.ts'

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

/** The scale at which a window judges its traffic dense, band by band. */
export interface BandScale {
  /** The window's top and bottom, server clock, epoch ms. */
  since: number
  now: number
  /** Bands are aligned to the clock, this long each. */
  bandMs: number
  /** Height a band is drawn over, in the diagram's pixels. */
  bandPx: number
  /** Below this many pixels between marks, arrows cannot be told apart. */
  minSpacingPx: number
  /** More marks than this in one band are summed up whatever the scale. */
  maxMarksPerBand: number
}

/** Where a window's traffic is too dense for arrows, and the aggregates drawn there instead. */
export interface DenseTraffic {
  /** Whether an item at this time falls in a dense band, so is drawn inside an aggregate rather than on its own. */
  isDense: (at: number) => boolean
  aggregates: Aggregate[]
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

/**
 * The bands of a window too crowded to draw arrow by arrow at `scale`, summed up as aggregates.
 * `inWindow` are the items the window holds; `items` all those kept, since the band at the
 * window's top is judged with what came just before it.
 */
export function denseTrafficOf(
  items: readonly CaptureItem[],
  inWindow: readonly CaptureItem[],
  scale: BandScale
): DenseTraffic {
  const { since, now, bandMs, bandPx, minSpacingPx, maxMarksPerBand } = scale
  const bands = new Map<number, CaptureItem[]>()
  for (const item of inWindow) {
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
  return { isDense: (at) => denseBands.has(Math.floor(at / bandMs)), aggregates }
}
