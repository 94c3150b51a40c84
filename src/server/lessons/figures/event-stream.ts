import type { FeedEvent } from '../../../shared/feed-event.ts'
import { eventStreamFormat, sseDefaults } from '../../techniques/sse.ts'
import { accented, svgFigure, text } from './svg.ts'

/** What a line of the stream is: drawn muted (blank, more), as a comment, or plain. */
type Kind = 'head' | 'field' | 'blank' | 'comment' | 'more'
type StreamLine = { line: string; kind: Kind }
/** A run of lines with what it says beside it; `only` marks a part the server writes only sometimes. */
type Part = { lines: StreamLine[]; says: string[]; only?: boolean }

// The figure's example: the browser came back with a cursor older than the 1,000 events the feed
// keeps, so the stream starts with a reset, then the kept events from 43.
const latest = 1042
const example: FeedEvent = { id: 43, at: 1_718_000_000_123, kind: 'tick', data: { value: 101.5 } }

/** The text of a written piece, as lines (its last line break, which ends the piece, dropped). */
const linesOf = (written: string | Buffer): StreamLine[] =>
  written
    .toString()
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => ({ line, kind: line === '' ? 'blank' : line.startsWith(':') ? 'comment' : 'field' }))

/**
 * The stream as this server writes it, from the same format the SSE route uses (`eventStreamFormat`):
 * its head as written, then what Node adds to it, the `retry:` prefix, a reset (only when the cursor
 * was too old or ahead of the feed, and only there, first), an event block, a heartbeat.
 */
function parts(): Part[] {
  const format = eventStreamFormat(sseDefaults)
  const head = Object.entries(format.head).map(([name, value]) => ({
    line: `${name}: ${value}`,
    kind: 'head' as const
  }))
  // The data line is cut after the timestamp: the whole JSON is wider than the figure.
  const event = linesOf(format.event(example)).map((each) =>
    each.line.startsWith('data: ') ? { ...each, line: each.line.replace(/,"kind".*$/, ',…}') } : each
  )
  return [
    {
      lines: [
        { line: 'HTTP/1.1 200 OK', kind: 'head' },
        ...head,
        { line: 'Date: (when it is sent)', kind: 'head' },
        { line: 'Transfer-Encoding: chunked', kind: 'head' }
      ],
      says: [
        'The response head, sent once.',
        'Date and Transfer-Encoding are',
        'added by Node. No Content-',
        'Length: the body goes on.'
      ]
    },
    { lines: [{ line: '', kind: 'blank' }], says: ['A blank line ends the head.'] },
    {
      lines: linesOf(format.prefix ?? ''),
      says: [`retry: wait ${sseDefaults.retryMs} ms before`, 'reconnecting.']
    },
    {
      lines: linesOf(format.reset(latest)),
      says: [
        'Only when the cursor is too old',
        'or ahead (a server restart), and',
        'only here, first: event: names',
        'the type; data: the newest id.'
      ],
      only: true
    },
    {
      lines: event,
      says: [
        'One event: id: (sent back as',
        'Last-Event-ID after a drop),',
        'data:, and the blank line',
        'that ends it.'
      ]
    },
    {
      lines: [
        { line: `… the kept events up to ${latest}, then`, kind: 'more' },
        { line: '… each new event as it is published', kind: 'more' }
      ],
      says: ['The catch-up, then the feed.']
    },
    {
      lines: linesOf(format.keepAlive.text),
      says: [
        'A comment (starts with ":"):',
        'ignored, but its bytes keep',
        `a quiet stream alive (every ${sseDefaults.heartbeatMs / 1000} s).`
      ]
    },
    { lines: [{ line: '… the response never ends', kind: 'more' }], says: [] }
  ]
}

const top = 40
const height = 22
const y = (n: number) => top + n * height

/** The anatomy of a text/event-stream response, line by line, each part annotated. */
export function eventStream(): string {
  const all = parts()
  const lines = all.flatMap((part) => part.lines)
  const shown = lines.map(({ line, kind }, n) => {
    const content = kind === 'blank' ? '(blank line)' : line
    const className = kind === 'blank' || kind === 'more' ? 'fig-muted' : kind === 'comment' ? 'fig-comment' : undefined
    return text(26, y(n) + 15, content, { mono: kind !== 'blank' && kind !== 'more', size: 12.5, className })
  })
  const drawn: string[] = []
  let first = 0
  // Notes take more room than their lines when a part is short: a note starts below the one before.
  let noteBottom = 0
  for (const { lines: partLines, says, only } of all) {
    const last = first + partLines.length - 1
    const from = y(first) + 3
    const to = y(last) + height - 3
    if (only)
      drawn.push(
        `<rect x="20" y="${from - 1}" width="372" height="${to - from + 2}" class="fig-guide" fill="none" stroke="currentColor" stroke-dasharray="4 4"/>`
      )
    if (says.length > 0) {
      const middle = Math.max((from + to) / 2 - ((says.length - 1) * 16) / 2 + 4, noteBottom + 16)
      noteBottom = middle + (says.length - 1) * 16
      drawn.push(
        accented(
          'sse',
          `<path d="M404 ${from} h8 V${to} h-8" class="fig-bracket" fill="none" stroke="currentColor" stroke-width="2"/>`
        ) + says.map((part, i) => text(422, middle + i * 16, part, { size: 12.5 })).join('')
      )
    }
    first = last + 1
  }
  const body = [
    text(12, 22, 'What this server writes (src/server/techniques/sse.ts), chunk-size lines left out', {
      size: 12.5,
      className: 'fig-muted'
    }),
    `<rect x="16" y="${top - 2}" width="380" height="${lines.length * height + 4}" class="fig-box" fill="none" stroke="currentColor"/>`,
    ...shown,
    ...drawn
  ]
  return svgFigure({
    name: 'event-stream',
    title: 'The anatomy of a text/event-stream response, as this server writes it',
    desc:
      `The response head as this server writes it: ${lines
        .filter((each) => each.kind === 'head')
        .map((each) => each.line)
        .join('; ')}; ` +
      `then a blank line; retry: ${sseDefaults.retryMs} and a blank line; only when the browser's cursor is older than ` +
      `the feed keeps or ahead of it, and only at the start, an event: reset block whose data: is the newest id; ` +
      'an event made of an id: line and a data: line (abbreviated), ended by a blank line; the catch-up and then each new ' +
      'event the same way; a comment line ": heartbeat" that the browser ignores; and the response never ends.',
    width: 680,
    height: Math.max(y(lines.length), noteBottom) + 12,
    body: body.join('\n')
  })
}
