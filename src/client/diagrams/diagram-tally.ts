import type { CaptureItem } from '../../shared/capture.ts'

// What a diagram's window holds, counted item by item, and said in words for its labels and caption.

/** What a stretch of the window carried, counted item by item. */
export interface Tally {
  /** Requests that came on a new TCP connection: each paid a 3-way handshake. */
  handshakes: number
  requests: number
  responses: number
  /** Server to browser: SSE chunks and WebSocket frames out. */
  pushes: number
  /** WebSocket frames from the browser. */
  framesIn: number
  closes: number
}

export const emptyTally = (): Tally => ({ handshakes: 0, requests: 0, responses: 0, pushes: 0, framesIn: 0, closes: 0 })

export function countItem(tally: Tally, item: CaptureItem): void {
  switch (item.kind) {
    case 'request':
      tally.requests++
      if (item.newConnection) tally.handshakes++
      break
    case 'response':
      tally.responses++
      break
    case 'stream':
      tally.pushes++
      break
    case 'frame':
      if (item.direction === 'in') tally.framesIn++
      else tally.pushes++
      break
    case 'closed':
      tally.closes++
      break
  }
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

/** A tally in words, the biggest count first (a label cut short keeps what matters); zero counts are left out. */
export function phrasesOf(tally: Tally): string[] {
  const counted: [number, string][] = [
    [tally.requests, plural(tally.requests, 'request', 'requests')],
    [tally.responses, plural(tally.responses, 'answer', 'answers')],
    [tally.handshakes, plural(tally.handshakes, 'TCP handshake', 'TCP handshakes')],
    [tally.pushes, plural(tally.pushes, 'pushed', 'pushed')],
    [tally.framesIn, plural(tally.framesIn, 'frame from the browser', 'frames from the browser')],
    [tally.closes, plural(tally.closes, 'close', 'closes')]
  ]
  return counted
    .filter(([n]) => n > 0)
    .sort(([a], [b]) => b - a)
    .map(([, phrase]) => phrase)
}

/** "in this second", "in these 100 ms", "in these 4.5 s". */
export function durationPhrase(ms: number): string {
  if (Math.abs(ms - 1000) < 1) return 'in this second'
  if (ms < 1000) return `in these ${Math.round(ms)} ms`
  const seconds = ms / 1000
  return `in these ${Number.isInteger(Math.round(seconds * 10) / 10) ? Math.round(seconds) : seconds.toFixed(1)} s`
}

/** "last 20 s", "last 2 s". */
export function windowName(windowMs: number): string {
  return `last ${windowMs / 1000} s`
}

/** What a caption needs of a diagram's plan. */
export interface CaptionedWindow {
  tally: Tally
  windowMs: number
  until: number
  completeSince: number | undefined
}

/**
 * The caption under a diagram: what its window holds, counted item by item, and when a memory
 * cap of `itemsCap` items left the window's start incomplete, from when it is complete.
 */
export function captionOf(plan: CaptionedWindow, itemsCap: number): string {
  const { tally } = plan
  const counts = [
    plural(tally.handshakes, 'TCP handshake', 'TCP handshakes'),
    plural(tally.requests, 'request', 'requests'),
    `${tally.pushes.toLocaleString('en')} pushed`,
    plural(tally.framesIn, 'frame from the browser', 'frames from the browser')
  ].join(', ')
  const capped =
    plan.completeSince === undefined
      ? ''
      : ` · only the newest ${itemsCap.toLocaleString('en')} items are kept: complete from ${((plan.until - plan.completeSince) / 1000).toFixed(1)} s ago`
  return `${windowName(plan.windowMs)}: ${counts}${capped}`
}
