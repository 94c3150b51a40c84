import type { MarkdownIt, Token } from 'markdown-it'
import container from 'markdown-it-container'
import {
  type MeasurableFigure,
  measurableFigures,
  type PredictQuestion,
  questionAnchor,
  questionId
} from '../../shared/prediction.ts'
import { isTechniqueName, type TechniqueName } from '../../shared/techniques.ts'
import { escapeHtml } from '../page-layout.ts'

/** What rendering a lesson's `::: predict` blocks needs and collects, in markdown-it's `env`. */
export interface PredictEnv {
  /** The lesson's slug: a question's id is `<slug>/<n>`. */
  slug: string
  /** The lesson's questions, in order. */
  predictions: PredictQuestion[]
}

/** The unit each live figure is measured in: a question checked against a figure must ask in that unit. */
export const figureUnits: Record<MeasurableFigure, string> = {
  'latency-p50': 'ms',
  'bytes-per-event': 'B',
  'requests-per-s': 'requests/s',
  'response-time-p50': 'ms'
}

const usage =
  'expected ::: predict number <unit> [measure=<technique>/<figure>] or ::: predict choice ' +
  `(figures: ${measurableFigures.join(', ')})`

type Params = { kind: 'number'; unit: string; measure?: string } | { kind: 'choice' }

/** `predict number ms measure=polling/latency-p50` or `predict choice` → what it asks for; anything else throws. */
function parseParams(info: string): Params {
  const text = info.trim()
  if (/^predict\s+choice$/.test(text)) return { kind: 'choice' }
  const match = /^predict\s+number\s+(\S+)(?:\s+measure=(\S+))?$/.exec(text)
  if (!match?.[1]) throw new Error(`::: ${text} — ${usage}`)
  if (!/^[\p{L}%/]{1,16}$/u.test(match[1]))
    throw new Error(`::: ${text} — the unit "${match[1]}" must be 1 to 16 letters, % or /`)
  return { kind: 'number', unit: match[1], measure: match[2] }
}

/** `polling/latency-p50` → the technique and figure, checked against the question's unit. */
function parseMeasure(
  measure: string,
  unit: string,
  where: string
): { technique: TechniqueName; figure: MeasurableFigure } {
  const [technique = '', figure = '', ...rest] = measure.split('/')
  if (rest.length > 0 || !isTechniqueName(technique))
    throw new Error(`${where} — measure=${measure}: "${technique}" is not a technique (measure=<technique>/<figure>)`)
  if (!(measurableFigures as readonly string[]).includes(figure))
    throw new Error(`${where} — measure=${measure}: "${figure}" is not a live figure (${measurableFigures.join(', ')})`)
  const known = figure as MeasurableFigure
  if (figureUnits[known] !== unit)
    throw new Error(`${where} — ${known} is measured in ${figureUnits[known]}, but the question asks in ${unit}`)
  return { technique, figure: known }
}

/** The text of an inline token, Markdown marks removed: the prompt the projector shows as plain text. */
function plainText(token: Token): string {
  return (token.children ?? [])
    .map((child) =>
      child.type === 'text' || child.type === 'code_inline' ? child.content : child.type.endsWith('break') ? ' ' : ''
    )
    .join('')
}

const actions =
  '<p class="predict-actions"><button type="submit">Commit my prediction</button> ' +
  '<button type="button" name="skip">Skip</button></p>\n<output class="predict-status" aria-live="polite"></output>\n'

function numberForm(id: string, n: number, unit: string): string {
  const input = `predict-${n}-value`
  return (
    `<form class="predict-form" data-predict="${id}">\n` +
    `<p class="predict-answer"><label for="${input}">Your prediction, in ${escapeHtml(unit)}</label> ` +
    `<input id="${input}" name="value" type="text" inputmode="decimal" autocomplete="off" size="8"> ` +
    `<span class="predict-unit" aria-hidden="true">${escapeHtml(unit)}</span></p>\n${actions}</form>\n`
  )
}

/**
 * Shapes each `::: predict` block: its params read (throwing on what is not understood), its
 * question collected into `env.predictions`, its form added (a number with its unit, or its
 * `- [ ]`/`- [x]` list turned into radio buttons), and the `::: demo` (or `::: six-connections`) after it told which question
 * it waits for.
 */
function shapePredictions(tokens: Token[], env: PredictEnv, htmlBlock: (html: string) => Token): Token[] {
  const out: Token[] = []
  let question: PredictQuestion | undefined // the block we are in
  let n = 0
  let prompt: string[] = []
  let list: Token | undefined
  let choices: string[] = []
  let right: number[] = []
  let waiting: string | undefined // the question whose demo comes next
  for (const token of tokens) {
    if (token.type === 'container_predict_open') {
      n++
      const where = `::: ${token.info.trim()} (question ${n})`
      const params = parseParams(token.info)
      const id = questionId(env.slug, n)
      question =
        params.kind === 'number'
          ? {
              id,
              prompt: '',
              kind: 'number',
              unit: params.unit,
              ...(params.measure ? { measure: parseMeasure(params.measure, params.unit, where) } : {})
            }
          : { id, prompt: '', kind: 'choice', choices: [] }
      token.meta = { question, n }
      prompt = []
      choices = []
      right = []
      out.push(token)
      continue
    }
    // The demo after a question waits for it: a panel (`::: demo`) or the six-connection demo.
    if ((token.type === 'container_demo_open' || token.type === 'container_six-connections_open') && waiting) {
      token.meta = { ...token.meta, predict: waiting }
      waiting = undefined
    }
    if (!question) {
      out.push(token)
      continue
    }
    const where = `::: predict (question ${n})`
    if (token.type === 'container_predict_close') {
      question.prompt = prompt.join(' ').replace(/\s+/g, ' ').trim()
      if (!question.prompt) throw new Error(`${where} has no question`)
      if (question.kind === 'choice') {
        if (choices.length < 2) throw new Error(`${where}: a choice needs a "- [ ]" / "- [x]" list of at least two`)
        if (right.length > 1) throw new Error(`${where}: at most one "- [x]" choice, has ${right.length}`)
        question.choices = choices
        if (right[0] !== undefined) question.right = right[0]
      } else out.push(htmlBlock(numberForm(question.id, n, question.unit)))
      env.predictions.push(question)
      waiting = question.id
      question = undefined
      out.push(token)
      continue
    }
    if (question.kind === 'choice' && token.type === 'bullet_list_open' && !list && choices.length === 0) {
      list = token
      out.push(
        htmlBlock(
          `<form class="predict-form" data-predict="${question.id}">\n` +
            '<fieldset class="predict-choices">\n<legend>Your prediction</legend>\n'
        )
      )
      continue
    }
    if (list) {
      if (token.type === 'bullet_list_close' && token.level === list.level) {
        list = undefined
        out.push(htmlBlock(`</fieldset>\n${actions}</form>\n`))
      } else if (token.type === 'list_item_open') {
        // Opened when its text is known (below): the radio button goes inside the label.
      } else if (token.type === 'list_item_close') out.push(htmlBlock('</label>\n'))
      else if (token.type === 'paragraph_open' || token.type === 'paragraph_close') {
      } else if (token.type === 'inline') {
        const mark = /^\[( |x|X)\] /.exec(token.content)
        if (!mark) throw new Error(`${where}: choice "${token.content}" does not start with [ ] or [x]`)
        const first = token.children?.[0]
        if (first?.type === 'text') first.content = first.content.slice(mark[0].length)
        if (mark[1] !== ' ') right.push(choices.length)
        out.push(
          htmlBlock(`<label class="predict-choice"><input type="radio" name="predict-${n}" value="${choices.length}"> `)
        )
        choices.push(plainText(token).trim())
        out.push(token)
      } else throw new Error(`${where}: a choice may only be text (found ${token.type})`)
      continue
    }
    if (token.type === 'inline' && (question.kind === 'number' || choices.length === 0)) prompt.push(plainText(token))
    out.push(token)
  }
  return out
}

/**
 * `::: predict number <unit> [measure=<technique>/<figure>]` and `::: predict choice`: a question the
 * reader commits an answer to before the demo after it starts, and the teacher can put to the room.
 */
export function predictContainer(md: MarkdownIt): void {
  md.use(container, 'predict', {
    validate: (params: string) => /^predict(\s|$)/.test(params.trim()),
    render: (tokens: Token[], index: number) => {
      const token = tokens[index]
      if (token?.nesting !== 1) return '</aside>\n'
      const { question, n } = token.meta as { question: PredictQuestion; n: number }
      const unit = question.kind === 'number' ? ` data-unit="${escapeHtml(question.unit)}"` : ''
      const measure =
        question.kind === 'number' && question.measure
          ? ` data-measure="${question.measure.technique}/${question.measure.figure}"`
          : ''
      return (
        `<aside class="predict" data-predict="${question.id}" data-kind="${question.kind}"${unit}${measure} ` +
        `id="${questionAnchor(n)}" aria-labelledby="predict-${n}-title">\n<p class="predict-title" id="predict-${n}-title">Predict, then observe</p>\n`
      )
    }
  })
  md.core.ruler.push('predict', (state) => {
    const env = state.env as Partial<PredictEnv>
    env.slug ??= 'lesson'
    env.predictions ??= []
    state.tokens = shapePredictions(state.tokens, env as PredictEnv, (html) =>
      Object.assign(new state.Token('html_block', '', 0), { content: html })
    )
  })
}
