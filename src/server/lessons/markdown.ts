import hljs from 'highlight.js/lib/core'
import bash from 'highlight.js/lib/languages/bash'
import http from 'highlight.js/lib/languages/http'
import json from 'highlight.js/lib/languages/json'
import typescript from 'highlight.js/lib/languages/typescript'
import markdownIt, { type Env, type MarkdownIt, type MarkdownItOptions, type Renderer, type Token } from 'markdown-it'
import container from 'markdown-it-container'
import type { LessonSection } from '../../shared/lesson.ts'
import type { PredictQuestion } from '../../shared/prediction.ts'
import { isTechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { escapeHtml } from '../page-layout.ts'
import { type Exchange, exchangeTarget, exchangeText } from './exchange.ts'
import { figureContainer } from './figure-container.ts'
import { notesContainer } from './notes-container.ts'
import { type PredictEnv, predictContainer } from './predict-container.ts'
import { sixConnectionsContainer } from './six-connections-container.ts'
import { sourceExcerpt } from './source-excerpt.ts'

for (const [name, language] of Object.entries({ bash, http, json, typescript })) hljs.registerLanguage(name, language)
hljs.registerAliases(['ts'], { languageName: 'typescript' })

export interface RenderedLesson {
  /** What comes before the first `##` heading. */
  intro: string
  sections: LessonSection[]
  /** How many `::: quiz` blocks the lesson has. */
  quizzes: number
  /** The techniques of its `::: demo` blocks, in order. */
  demos: string[]
  /** Its `::: predict` questions, in order. */
  predictions: PredictQuestion[]
}

/** What rendering one lesson collects, carried in markdown-it's `env`. */
interface RenderEnv extends Env, PredictEnv {
  quizzes: number
  demos: string[]
  /** The real answers of the lesson's `::: exchange` blocks, by target. */
  exchanges: ReadonlyMap<string, Exchange>
}

function highlight(code: string, language: string): string {
  const known = language && hljs.getLanguage(language) ? language : 'plaintext'
  return known === 'plaintext' ? escapeHtml(code) : hljs.highlight(code, { language: known }).value
}

/** `path "start" "end"` → its three parts; the quotes let the strings hold spaces. */
function parseSourceParams(params: string): { path: string; start: string; end?: string } {
  const match = /^source\s+(\S+)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*$/.exec(params.trim())
  if (!match?.[1] || !match[2]) throw new Error(`::: ${params.trim()} — expected ::: source <path> "<start>" ["<end>"]`)
  return { path: match[1], start: match[2], end: match[3] }
}

/**
 * The Markdown dialect of the lessons: CommonMark (raw HTML escaped, never passed through),
 * highlighted code, ids on `##`/`###` headings, and blocks written as `::: name … :::`:
 * `demo <technique>` (a live panel), `predict number <unit> [measure=…]` / `predict choice` (a question
 * answered before the demo after it; see predict-container.ts), `source <path> "<from>" "<to>"`
 * (an excerpt of this server's real code, read when the lesson is built), `exchange GET <path>` (an
 * HTTP request and this server's real answer to it, asked of it when the lessons are built, from a feed
 * of fixed example events: see exchange.ts), `figure <name>` (a server-drawn SVG, figure-container.ts),
 * `six-connections` (the "open N event streams" demo, six-connections-container.ts),
 * `notes` (for the teacher's console only) and `quiz` (a question, a `- [ ]`/`- [x]` list of answers,
 * then the explanation shown once the reader has answered).
 */
function lessonMarkdown(): MarkdownIt {
  const md = markdownIt({ html: false, linkify: false, typographer: false, highlight })
  md.core.ruler.push('heading-ids', (state) => headingIds(state.tokens))

  md.use(container, 'demo', {
    validate: (params: string) => /^demo\s+\S+\s*$/.test(params.trim()),
    render: (tokens: Token[], index: number, _options: unknown, env?: Env) => {
      const token = tokens[index]
      if (token?.nesting !== 1) return ''
      const technique = token.info.trim().split(/\s+/)[1] ?? ''
      if (!isTechniqueName(technique))
        throw new Error(`::: demo ${technique} — not a technique: one of ${techniqueNames.join(', ')}`)
      ;(env as RenderEnv | undefined)?.demos.push(technique)
      // The demo after a `::: predict` waits for its answer (or a skip) before it can be switched on.
      const waitsFor = token.meta?.predict ? ` data-predict="${token.meta.predict}"` : ''
      return `<div class="demo" data-technique="${technique}"${waitsFor}></div>\n`
    }
  })

  md.use(predictContainer)

  md.use(notesContainer)
  md.use(figureContainer)
  md.use(sixConnectionsContainer)

  md.use(container, 'source', {
    validate: (params: string) => /^source\s/.test(params.trim()),
    render: (tokens: Token[], index: number) => {
      const token = tokens[index]
      if (token?.nesting !== 1) return ''
      const { path, start, end } = parseSourceParams(token.info)
      const excerpt = sourceExcerpt(path, start, end)
      const lastLine = excerpt.firstLine + excerpt.code.split('\n').length - 1
      return (
        `<figure class="source">\n<figcaption><code>${escapeHtml(path)}</code>, lines ${excerpt.firstLine}–${lastLine}: ` +
        'the code this server is running, read from its source when the lesson was built</figcaption>\n' +
        `<pre tabindex="0"><code class="hljs language-typescript">${highlight(excerpt.code, 'typescript')}</code></pre>\n</figure>\n`
      )
    }
  })

  md.use(container, 'exchange', {
    validate: (params: string) => /^exchange\s/.test(params.trim()),
    render: (tokens: Token[], index: number, _options: unknown, env?: Env) => {
      const token = tokens[index]
      if (token?.nesting !== 1) return ''
      const target = exchangeTarget(token.info)
      const exchange = (env as RenderEnv | undefined)?.exchanges.get(target)
      if (!exchange) throw new Error(`::: exchange ${target} — not asked of the server before the lesson was rendered`)
      // The head's bytes with the CRLF CRLF that ends it: what the socket wrote before the body.
      const head = Buffer.byteLength(exchange.head) + 4
      const body = Buffer.byteLength(exchange.body)
      return (
        `<figure class="source exchange">\n<figcaption>This server's real answer to <code>${escapeHtml(target)}</code>, ` +
        'asked of it when the lesson was built (from a feed of example events): the request as sent, the answer byte ' +
        `for byte: a head of ${head} bytes (line ends are CRLF) and ` +
        (exchange.streamed
          ? `the first ${body} bytes of a body that never ends, each chunk after its size in hexadecimal</figcaption>\n`
          : `${body === 0 ? 'no body' : `a body of ${body}`}</figcaption>\n`) +
        `<pre tabindex="0"><code class="hljs language-http">${highlight(exchangeText(exchange), 'http')}</code></pre>\n</figure>\n`
      )
    }
  })

  md.use(container, 'quiz', {
    render: (tokens: Token[], index: number, _options: unknown, env?: Env) => {
      if (tokens[index]?.nesting !== 1) return '</div>\n</form>\n'
      const counts = env as RenderEnv | undefined
      const number = counts ? ++counts.quizzes : 0
      return `<form class="quiz" data-quiz="${number}" aria-label="Check your understanding, question ${number}">\n`
    }
  })
  md.core.ruler.push('quiz', (state) => {
    state.tokens = shapeQuizzes(state.tokens, (html) =>
      Object.assign(new state.Token('html_block', '', 0), { content: html })
    )
  })

  const rules = md.renderer.rules
  // A code block can scroll sideways on a phone: it must be reachable by keyboard to scroll.
  const fence = rules.fence
  rules.fence = (tokens, index, options, env, self) =>
    (fence?.(tokens, index, options, env, self) ?? '').replace(/^<pre>/, '<pre tabindex="0">')
  // Inside a quiz, the answers list becomes a group of radio buttons.
  const plain = (tokens: Token[], index: number, options: Required<MarkdownItOptions>, _env: unknown, self: Renderer) =>
    self.renderToken(tokens, index, options)
  rules.bullet_list_open = (tokens, index, options, env, self) =>
    tokens[index]?.meta?.quiz
      ? '<fieldset class="answers">\n<legend>Choose one answer</legend>\n'
      : plain(tokens, index, options, env, self)
  rules.bullet_list_close = (tokens, index, options, env, self) =>
    tokens[index]?.meta?.quiz ? '</fieldset>\n' : plain(tokens, index, options, env, self)
  rules.list_item_open = (tokens, index, options, env, self) => {
    const meta = tokens[index]?.meta
    if (!meta?.quiz) return plain(tokens, index, options, env, self)
    const correct = meta.correct ? ' data-correct=""' : ''
    return `<label class="answer"><input type="radio" name="quiz-${meta.quiz}" value="${meta.answer}"${correct}> `
  }
  rules.list_item_close = (tokens, index, options, env, self) =>
    // The mark says in words, not only in colour, which answer was chosen and which is right, once checked.
    tokens[index]?.meta?.quiz ? '<span class="answer-mark"></span></label>\n' : plain(tokens, index, options, env, self)
  return md
}

/** Gives `##` and `###` headings an id from their text (`## Why it costs` → `why-it-costs`), unique in the lesson. */
function headingIds(tokens: Token[]): void {
  const used = new Set<string>()
  tokens.forEach((token, i) => {
    if (token.type !== 'heading_open' || (token.tag !== 'h2' && token.tag !== 'h3')) return
    const text = tokens[i + 1]?.content ?? ''
    const base =
      text
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'section'
    let id = base
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`
    used.add(id)
    token.attrSet('id', id)
  })
}

/**
 * Marks each quiz's answers list (its `[x]` item is the right answer, its `[ ]` items the wrong ones) and
 * wraps what follows the list, the explanation, in a block the page reveals once an answer is checked.
 */
function shapeQuizzes(tokens: Token[], htmlBlock: (html: string) => Token): Token[] {
  const out: Token[] = []
  let quiz = 0 // the quiz we are in, 0 outside
  let count = 0
  let list: Token | undefined // the answers list while inside it
  let item: Token | undefined // the answer whose text comes next
  let answers = 0
  let right = 0
  for (const token of tokens) {
    out.push(token)
    if (token.type === 'container_quiz_open') {
      quiz = ++count
      answers = 0
      right = 0
    } else if (quiz === 0) {
    } else if (token.type === 'container_quiz_close') {
      if (answers === 0) throw new Error(`quiz ${quiz} has no "- [ ]" / "- [x]" list of answers`)
      if (right !== 1) throw new Error(`quiz ${quiz} needs exactly one "- [x]" answer, has ${right}`)
      quiz = 0
    } else if (token.type === 'bullet_list_open' && answers === 0 && !list) {
      list = token
      token.meta = { quiz }
    } else if (list && token.type === 'list_item_open' && token.level === list.level + 1) {
      item = token
    } else if (item && token.type === 'inline') {
      const mark = /^\[( |x|X)\] /.exec(token.content)
      if (!mark) throw new Error(`quiz ${quiz}: answer "${token.content}" does not start with [ ] or [x]`)
      const first = token.children?.[0]
      if (first?.type === 'text') first.content = first.content.slice(mark[0].length)
      const correct = mark[1] !== ' '
      if (correct) right++
      item.meta = { quiz, answer: ++answers, correct }
      item = undefined
    } else if (list && token.type === 'list_item_close' && token.level === list.level + 1) {
      token.meta = { quiz }
    } else if (list && token.type === 'bullet_list_close' && token.level === list.level) {
      token.meta = { quiz }
      list = undefined
      out.push(
        htmlBlock(
          '<button type="submit">Check</button>\n<output class="verdict" aria-live="polite"></output>\n' +
            '<div class="explanation" hidden>\n'
        )
      )
    }
  }
  return out
}

const md = lessonMarkdown()

/**
 * Renders a lesson's Markdown body into its intro and its `##` sections; `slug` names its questions
 * (`<slug>/<n>`), `exchanges` holds the real answers of its `::: exchange` blocks (exchange.ts asks them).
 */
export function renderLesson(
  markdown: string,
  slug = 'lesson',
  exchanges: ReadonlyMap<string, Exchange> = new Map()
): RenderedLesson {
  const env: RenderEnv = { quizzes: 0, demos: [], slug, predictions: [], exchanges }
  const tokens = md.parse(markdown, env)
  const starts = tokens.flatMap((token, i) => (token.type === 'heading_open' && token.tag === 'h2' ? [i] : []))
  const render = (slice: Token[]) => md.renderer.render(slice, md.options, env)
  const intro = render(tokens.slice(0, starts[0] ?? tokens.length))
  const sections = starts.map((start, n) => ({
    id: String(tokens[start]?.attrGet('id') ?? `section-${n + 1}`),
    title: tokens[start + 1]?.content ?? '',
    html: render(tokens.slice(start, starts[n + 1] ?? tokens.length))
  }))
  return { intro, sections, quizzes: env.quizzes, demos: env.demos, predictions: env.predictions }
}
