import {
  type PredictionPhase,
  type PredictionState,
  type PredictionTally,
  type PredictQuestion,
  predictionLimits,
  type SlidePlace
} from '../../shared/prediction.ts'

/** Why an answer was not taken: the route turns each into its error. */
export type AnswerRefusal = 'not-open' | 'bad-value' | 'too-many-changes' | 'full'

/** `[from, to)` bins of equal, round width (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 × 10ⁿ), `count` of them, covering every value. */
export function binEdges(values: readonly number[], count: number = predictionLimits.bins): number[] {
  if (values.length === 0) return Array.from({ length: count + 1 }, (_, i) => i)
  const min = Math.min(...values)
  const max = Math.max(...values)
  const round = (x: number) => Number(x.toPrecision(12))
  // All alike: a scale of about a tenth of the value per bin, starting at it.
  let raw = max > min ? (max - min) / count : Math.max(Math.abs(max), 1) / count
  for (;;) {
    const width = roundWidth(raw)
    const from = round(Math.floor(min / width) * width)
    const edges = Array.from({ length: count + 1 }, (_, i) => round(from + i * width))
    if ((edges.at(-1) ?? 0) >= max) return edges
    raw = width * 1.0001 // the floor moved the scale left past what it could reach: the next round width
  }
}

/**
 * `[from, to)` bins on a logarithmic scale for positive values: edges at 1, 2 and 5 × 10ⁿ (only the
 * powers of ten when those would make more than `count` bins), from the edge at or below the least
 * value to the first edge at or above the largest (the last bin includes its `to`).
 */
export function logBinEdges(values: readonly number[], count: number = predictionLimits.bins): number[] {
  const min = Math.min(...values)
  const max = Math.max(...values)
  const decades = (steps: number[]) => {
    const candidates: number[] = []
    for (let power = Math.floor(Math.log10(min)) - 1; power <= Math.ceil(Math.log10(max)) + 1; power++)
      for (const step of steps) candidates.push(Number((step * 10 ** power).toPrecision(12)))
    const first = candidates.findLastIndex((edge) => edge <= min)
    const last = candidates.findIndex((edge) => edge >= max)
    return candidates.slice(Math.max(first, 0), last + 1)
  }
  const fine = decades([1, 2, 5])
  return fine.length - 1 <= count ? fine : decades([1])
}

/** Whether `values` span enough decades, all above zero, to be binned on a logarithmic scale. */
export function spansDecades(values: readonly number[]): boolean {
  if (values.length < 2 || values.some((value) => !(value > 0))) return false
  return Math.log10(Math.max(...values) / Math.min(...values)) > predictionLimits.logSpanDecades
}

// Finer than 1-2-5, so a scale pushed past its last answer by the floor of its first moves up a little, not double.
const roundSteps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]

function roundWidth(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = roundSteps.find((multiple) => multiple * power >= raw * (1 - 1e-12)) ?? 10
  return step * power
}

function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? 0
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2
}

/** The class's answers, anonymous: a number's histogram on a scale that includes `measured`, or a count per choice. */
export function tallyOf(question: PredictQuestion, values: readonly number[], measured?: number): PredictionTally {
  if (question.kind === 'choice') {
    const counts = question.choices.map(() => 0)
    for (const value of values) counts[value] = (counts[value] ?? 0) + 1
    return { kind: 'choice', counts }
  }
  const sorted = [...values].sort((a, b) => a - b)
  const scaled = measured === undefined ? sorted : [...sorted, measured]
  const scale = spansDecades(scaled) ? 'log' : 'linear'
  const edges = scale === 'log' ? logBinEdges(scaled) : binEdges(scaled)
  const bins = edges.slice(0, -1).map((from, i) => ({ from, to: edges[i + 1] ?? from, count: 0 }))
  for (const value of sorted) {
    // [from, to), the last bin also taking its `to`.
    const index = bins.findIndex((bin, i) => value < bin.to || i === bins.length - 1)
    const bin = bins[index]
    if (bin) bin.count++
  }
  return { kind: 'number', scale, bins, median: median(sorted), min: sorted[0], max: sorted.at(-1) }
}

/** Whether `value` is an answer `question` can take: a number in range, or one of its choices' index. */
export function answersQuestion(question: PredictQuestion, value: number): boolean {
  return question.kind === 'number'
    ? Number.isFinite(value) && value >= predictionLimits.valueMin && value <= predictionLimits.valueMax
    : Number.isInteger(value) && value >= 0 && value < question.choices.length
}

/**
 * Where the room's question and its answers are kept: `PredictionStore` in this process, or
 * `RedisPredictionStore` for instances sharing one room. The routes await every method.
 */
export interface PredictionBook {
  /** Puts `question` to the room in `phase`; another question than the current one starts with no answers. */
  set(question: PredictQuestion, phase: PredictionPhase, on: SlidePlace, measured?: number): void | Promise<void>
  /** No question any more, and its answers forgotten. */
  clear(): void | Promise<void>
  /** Takes `page`'s answer to `questionId`, or says why not. */
  answer(
    page: string,
    questionId: string,
    value: number
  ): AnswerRefusal | undefined | Promise<AnswerRefusal | undefined>
  /** What every page is told: the question, its phase, how many answered, and the tally once revealed. */
  current(): PredictionState | null | Promise<PredictionState | null>
}

interface Answer {
  value: number
  /** Answers this page has sent to the question, the first included. */
  sends: number
}

/**
 * The room's current question and the answers to it, in memory only: one per page (a later one
 * replaces it), at most `answersMax` pages, each page changing its answer at most `changesMax`
 * times. Its `state` is what every page hears: how many answered, and the tally once revealed;
 * never who answered what.
 */
export class PredictionStore implements PredictionBook {
  #question: PredictQuestion | undefined
  #phase: PredictionPhase = 'open'
  #measured: number | undefined
  #on: SlidePlace = { lesson: null, section: '', slide: 0 }
  #answers = new Map<string, Answer>()

  /**
   * Puts `question` to the room in `phase`, the room being `on` that slide. Another question than
   * the current one starts with no answers.
   */
  set(question: PredictQuestion, phase: PredictionPhase, on: SlidePlace, measured?: number): void {
    if (this.#question?.id !== question.id) {
      this.#answers.clear()
      this.#measured = undefined
    }
    this.#question = question
    this.#phase = phase
    this.#on = { lesson: on.lesson, section: on.section, slide: on.slide }
    if (measured !== undefined && question.kind === 'number') this.#measured = measured
  }

  /** No question any more, and its answers forgotten. */
  clear(): void {
    this.#question = undefined
    this.#answers.clear()
    this.#measured = undefined
  }

  /** Takes `page`'s answer to `questionId`, or says why not. */
  answer(page: string, questionId: string, value: number): AnswerRefusal | undefined {
    const question = this.#question
    if (!question || question.id !== questionId || this.#phase !== 'open') return 'not-open'
    if (!answersQuestion(question, value)) return 'bad-value'
    const before = this.#answers.get(page)
    if (!before && this.#answers.size >= predictionLimits.answersMax) return 'full'
    if (before && before.sends > predictionLimits.changesMax) return 'too-many-changes'
    this.#answers.set(page, { value, sends: (before?.sends ?? 0) + 1 })
    return undefined
  }

  get question(): PredictQuestion | undefined {
    return this.#question
  }

  /** What every page is told: the question, its phase, how many answered, and the tally once revealed. */
  get state(): PredictionState | null {
    const question = this.#question
    if (!question) return null
    const values = this.#phase === 'revealed' ? [...this.#answers.values()].map((answer) => answer.value) : []
    return predictionStateOf(question, this.#phase, this.#on, this.#answers.size, values, this.#measured)
  }

  current(): PredictionState | null {
    return this.state
  }
}

/** What every page is told of `question`: `values` are only read once it is revealed. */
export function predictionStateOf(
  question: PredictQuestion,
  phase: PredictionPhase,
  on: SlidePlace,
  answers: number,
  values: readonly number[],
  measured: number | undefined
): PredictionState {
  const state: PredictionState = { question, phase, on: { ...on }, answers }
  if (phase === 'revealed') {
    // Not before: the measured value would give the answer away.
    if (measured !== undefined) state.measured = measured
    state.tally = tallyOf(question, values, measured)
  }
  return state
}
