import './prediction.css'
import {
  figureShownOn,
  type MeasurableFigure,
  type PredictionState,
  type PredictQuestion
} from '../../shared/prediction.ts'
import { h } from '../platform/dom.ts'

/** How the reveal names the live figure a question was checked against. */
const figureNames: Record<MeasurableFigure, string> = {
  'latency-p50': 'p50',
  'bytes-per-event': 'bytes per new event',
  'requests-per-s': 'requests/s',
  'response-time-p50': 'response time p50'
}

/** A number as people read it: at most two decimals, thousands grouped. */
export function formatNumber(value: number): string {
  return value.toLocaleString('en', { maximumFractionDigits: 2 })
}

/** A number answer with its unit, or a choice by its text: how a prediction is written back to its reader. */
export function answerText(question: PredictQuestion, value: number): string {
  if (question.kind === 'choice') return question.choices[value] ?? `choice ${value + 1}`
  return `${formatNumber(value)} ${question.unit}`
}

function plural(count: number, one: string, many: string): string {
  return `${formatNumber(count)} ${count === 1 ? one : many}`
}

/** A bar's length: its share of the largest count, set through the CSSOM (the page's CSP forbids style attributes). */
function bar(count: number, most: number): HTMLElement {
  const fill = h('span', { class: 'reveal-fill' })
  fill.style.setProperty('--share', String(most > 0 ? count / most : 0))
  return h(
    'span',
    { class: 'reveal-bar' },
    h('span', { class: 'reveal-number' }, formatNumber(count)),
    h('span', { class: 'reveal-track', 'aria-hidden': 'true' }, fill)
  )
}

function mark(kind: 'measured' | 'own' | 'right', text: string): HTMLElement {
  return h('span', { class: `reveal-mark reveal-${kind}` }, text)
}

/**
 * The class's answers to a revealed question, anonymous, as a table a room can read from the back:
 * for a number, one row per range with its count and bar, the value measured live and the reader's
 * own guess marked on the row they fall in; for a choice, one row per choice. Only text is set
 * (textContent through `h()`), and sizes are in em, so the projector makes it large by its font size.
 */
export function revealView(prediction: PredictionState, own?: number): HTMLElement {
  const { question, tally, answers } = prediction
  const figure = h('figure', {
    class: 'prediction-reveal',
    'data-kind': question.kind,
    'data-answers': String(answers)
  })
  const summary = h('p', { class: 'reveal-summary' }, plural(answers, 'answer', 'answers'))
  figure.append(
    h(
      'figcaption',
      {},
      h('span', { class: 'reveal-title' }, 'The class’s predictions'),
      h('span', { class: 'reveal-question' }, question.prompt),
      summary
    )
  )
  if (!tally) {
    summary.append(' (not revealed yet)')
    return figure
  }
  const rows: HTMLTableRowElement[] = []
  const notes: HTMLElement[] = []
  if (tally.kind === 'number' && question.kind === 'number') {
    const { unit } = question
    if (tally.median !== undefined)
      summary.append(
        ` · median ${formatNumber(tally.median)} ${unit} · from ${formatNumber(tally.min ?? 0)} to ${formatNumber(tally.max ?? 0)} ${unit}`
      )
    // Ranges that grow by decade, said so: a short row can hold more than a long one's width suggests.
    if (tally.scale === 'log') {
      const [first] = tally.bins
      const decades = first !== undefined && first.to / first.from > 9
      summary.append(` · logarithmic ranges, each ${decades ? '10×' : '2 to 2.5×'} the one before`)
    }
    const most = Math.max(0, ...tally.bins.map((bin) => bin.count))
    const binOf = (value: number) => tally.bins.findIndex((bin, i) => value < bin.to || i === tally.bins.length - 1)
    const fits = (value: number) => value >= (tally.bins[0]?.from ?? 0) && value <= (tally.bins.at(-1)?.to ?? 0)
    const measured = prediction.measured
    const measuredText =
      measured === undefined
        ? undefined
        : `measured live: ${formatNumber(measured)} ${unit}` +
          (question.measure
            ? ` (${question.measure.technique} ${figureNames[question.measure.figure]}, the projector's ${figureShownOn[question.measure.figure]})`
            : '')
    tally.bins.forEach((bin, i) => {
      const marks = h('td', { class: 'reveal-marks' })
      if (measured !== undefined && measuredText && binOf(measured) === i) marks.append(mark('measured', measuredText))
      if (own !== undefined && fits(own) && binOf(own) === i)
        marks.append(mark('own', `you: ${formatNumber(own)} ${unit}`))
      const row = h(
        'tr',
        { 'data-from': String(bin.from), 'data-to': String(bin.to), 'data-count': String(bin.count) },
        h('th', { scope: 'row' }, `${formatNumber(bin.from)}–${formatNumber(bin.to)} ${unit}`),
        h('td', { class: 'reveal-count' }, bar(bin.count, most)),
        marks
      )
      if (marks.childElementCount > 0) row.dataset.marked = ''
      rows.push(row)
    })
    if (own !== undefined && !fits(own)) notes.push(mark('own', `you: ${formatNumber(own)} ${unit}`))
    const header = h(
      'tr',
      {},
      h('th', { scope: 'col' }, `Prediction (${unit})`),
      h('th', { scope: 'col' }, 'Answers'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Marks'))
    )
    figure.append(table(header, rows), ...notes)
    return figure
  }
  if (tally.kind === 'choice' && question.kind === 'choice') {
    const most = Math.max(0, ...tally.counts)
    question.choices.forEach((choice, i) => {
      const count = tally.counts[i] ?? 0
      const marks = h('td', { class: 'reveal-marks' })
      if (question.right === i) marks.append(mark('right', '✓ what the demo shows'))
      if (own === i) marks.append(mark('own', 'you'))
      const row = h(
        'tr',
        { 'data-choice': String(i), 'data-count': String(count) },
        h('th', { scope: 'row' }, choice),
        h('td', { class: 'reveal-count' }, bar(count, most)),
        marks
      )
      if (marks.childElementCount > 0) row.dataset.marked = ''
      rows.push(row)
    })
    const header = h(
      'tr',
      {},
      h('th', { scope: 'col' }, 'Choice'),
      h('th', { scope: 'col' }, 'Answers'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Marks'))
    )
    figure.append(table(header, rows))
  }
  return figure
}

function table(header: HTMLTableRowElement, rows: HTMLTableRowElement[]): HTMLTableElement {
  return h('table', { class: 'reveal-table' }, h('thead', {}, header), h('tbody', {}, ...rows))
}
