import type { CaptureItem } from '../../shared/capture.ts'
import { type Aggregate, denseTrafficOf } from './diagram-aggregates.ts'
import { layOutArrows, type PlannedArrow, type PlannedHandshake, type PlannedHold } from './diagram-arrows.ts'
import { countItem, emptyTally, type Tally } from './diagram-tally.ts'

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
  let firstAt: number | undefined
  let lastAt: number | undefined
  for (const item of inWindow) {
    countItem(tally, item)
    if (firstAt === undefined || item.at < firstAt) firstAt = item.at
    if (lastAt === undefined || item.at > lastAt) lastAt = item.at
  }
  const { isDense, aggregates } = denseTrafficOf(items, inWindow, {
    since,
    now,
    bandMs,
    bandPx,
    minSpacingPx,
    maxMarksPerBand
  })
  const { arrows, handshakes, holds, closes } = layOutArrows(items, { since, now, minHeldMs, isDense })

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
