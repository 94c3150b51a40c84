/** How tick events are spread in time; each keeps the set mean rate over the long run. */
export const tickerPatterns = ['random', 'steady', 'bursts'] as const

/**
 * `random`: Poisson arrivals, each gap drawn from an exponential of mean 1/rate, as news
 * arrives. `steady`: exactly 1/rate apart, a metronome. `bursts`: a few events close
 * together, then a quiet stretch.
 */
export type TickerPattern = (typeof tickerPatterns)[number]

/** The ticker's settings, as `GET/PUT /feed/ticker` shows them. */
export interface TickerSettings {
  /** Tick events per second (the mean, unless `steady`), 0 to `limits.feedRateMax`; 0 means no ticks. */
  rate: number
  paused: boolean
  /** How the events are spread in time (default `random`). */
  pattern: TickerPattern
}

/** A burst's size and the spacing inside it, shared by the schedule and its description. */
export const burstShape = {
  minEvents: 3,
  maxEvents: 6,
  /** Mean gap between two events of a burst, ms (shorter at high rates, see `arrivals.ts`). */
  gapMs: 100
} as const

/** The choice as a control names it. */
export const tickerPatternLabels: Record<TickerPattern, string> = {
  random: 'random arrivals',
  steady: 'steady (a metronome)',
  bursts: 'in bursts'
}

export function isTickerPattern(value: unknown): value is TickerPattern {
  return typeof value === 'string' && (tickerPatterns as readonly string[]).includes(value)
}

/**
 * One line saying what the feed does now, e.g. "1 event/s on average, random arrivals",
 * "2 events/s, steady (a metronome)", "1 event/s on average, in bursts of 3–6", "paused".
 */
export function describeTicker(settings: TickerSettings): string {
  if (settings.paused) return 'paused'
  if (settings.rate === 0) return 'off (0 events/s)'
  const rate = `${settings.rate} ${settings.rate === 1 ? 'event' : 'events'}/s`
  switch (settings.pattern) {
    case 'steady':
      return `${rate}, steady (a metronome)`
    case 'bursts':
      return `${rate} on average, in bursts of ${burstShape.minEvents}–${burstShape.maxEvents}`
    case 'random':
      return `${rate} on average, random arrivals`
  }
}
