import type { TechniqueName } from './techniques.ts'

/**
 * The live figures a prediction can be checked against: the race view's (`data-figure` of a lane),
 * and the panel's response time per request (`data-stat`), which techniques that ask have.
 */
export const measurableFigures = ['latency-p50', 'bytes-per-event', 'requests-per-s', 'response-time-p50'] as const
export type MeasurableFigure = (typeof measurableFigures)[number]

/** Where the reader finds each of them: on a lane of the race view, or on the technique's panel. */
export const figureShownOn: Record<MeasurableFigure, 'race view' | 'panel'> = {
  'latency-p50': 'race view',
  'bytes-per-event': 'race view',
  'requests-per-s': 'race view',
  'response-time-p50': 'panel'
}

/**
 * A lesson's `::: predict` question, as the server read it from the lesson file. Its text is the
 * lesson's own (rendered from Markdown on the server); what students send back is only a number
 * or the index of a choice.
 */
export type PredictQuestion = {
  /** `<lesson slug>/<n>`: the n-th (1-based) `::: predict` of that lesson. */
  id: string
  /** The question, as plain text (the projector and the console show it; never parsed as HTML). */
  prompt: string
} & (
  | {
      kind: 'number'
      /** What the number counts: `ms`, `requests`, `B`, `%`. */
      unit: string
      /** The live figure the reveal puts next to the answers, read from the race view lane of `technique`. */
      measure?: { technique: TechniqueName; figure: MeasurableFigure }
    }
  | {
      kind: 'choice'
      choices: string[]
      /** Index of the choice the demo shows to be right, when the lesson says (`- [x]`). */
      right?: number
    }
)

/** Where the teacher has the room's current question: taking answers, closed, or shown with its answers. */
export type PredictionPhase = 'open' | 'closed' | 'revealed'

/** The class's answers, anonymous: for a number, a histogram; for a choice, a count per choice. */
export type PredictionTally =
  | {
      kind: 'number'
      /**
       * How the bins are cut: equal widths, or, when the answers and the measured value (all above
       * zero) span more than `logSpanDecades`, ranges growing 1-2-5 per decade, so 1 ms and 40 ms
       * guesses do not fall in one bin.
       */
      scale: 'linear' | 'log'
      /** Bins on a shared scale: `[from, to)` (the last one includes `to`), with how many answers fell in each. */
      bins: { from: number; to: number; count: number }[]
      median: number | undefined
      min: number | undefined
      max: number | undefined
    }
  | { kind: 'choice'; counts: number[] }

/** A slide of the room: a lesson's section and which of its slides (as `ClassroomState` has them). */
export interface SlidePlace {
  lesson: string | null
  section: string
  slide: number
}

/** `classroom.prediction`: the room's current question, as every page hears it over `/wire/live`. */
export interface PredictionState {
  question: PredictQuestion
  phase: PredictionPhase
  /**
   * The slide the room was on when the teacher last set the phase: the projector shows the question
   * (or its reveal) on that slide only, so moving on shows the next slide, and coming back shows it again.
   */
  on: SlidePlace
  /** How many pages have answered (always shown; the answers themselves only once revealed). */
  answers: number
  /** Only while `phase` is `revealed`. */
  tally?: PredictionTally
  /**
   * The live value the teacher's projector measured when it revealed (its race view's `data-value`),
   * so every page shows the same one; undefined when the question has none or it was not known yet.
   */
  measured?: number
}

export const predictionLimits = {
  /** Answers kept per question: one per page, at most this many pages. */
  answersMax: 500,
  /** A page may change its answer this often at most (per question). */
  changesMax: 20,
  /** A number answer, whatever its unit. */
  valueMin: 0,
  valueMax: 1_000_000,
  /** Bins of a number tally on a linear scale (at most this many on a logarithmic one). */
  bins: 10,
  /** Answers spanning more decades than this (max / min > 10^1.5, about 32) are binned on a logarithmic scale. */
  logSpanDecades: 1.5
} as const

/**
 * What the projector shows instead of the slide `at`: the open or revealed question, while the room
 * is still on the slide where the teacher set that phase; null when it shows the slide (closed answers
 * give the slides and their demo back, to observe). The projector and the console both ask this, so the
 * console's "now on the projector" is what the projector shows.
 */
export function predictionOnScreen(prediction: PredictionState | null, at: SlidePlace): PredictionState | null {
  if (!prediction || prediction.phase === 'closed') return null
  const { on } = prediction
  return on.lesson === at.lesson && on.section === at.section && on.slide === at.slide ? prediction : null
}

/** What a prediction screen draws, as a key: the projector and the console's preview redraw when it changes. */
export function predictionScreenKey({ question, phase, answers, measured }: PredictionState): string {
  return `prediction:${question.id}:${phase}:${answers}:${measured}`
}

/** A question's id: the n-th (1-based) `::: predict` of a lesson, `<lesson slug>/<n>`. */
export function questionId(lesson: string, n: number): string {
  return `${lesson}/${n}`
}

/** The id a lesson page gives its n-th (1-based) `::: predict`, so an address can point at the question. */
export function questionAnchor(n: number): string {
  return `predict-${n}`
}

/** Where a question (`<lesson slug>/<n>`) is answered: its lesson's page, at the question. */
export function questionPath(id: string): string {
  const slash = id.lastIndexOf('/')
  return `/lessons/${id.slice(0, slash)}#${questionAnchor(Number(id.slice(slash + 1)))}`
}
