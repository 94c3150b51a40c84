import { accented, svgFigure, text } from './svg.ts'

/** One line of the stream, and what it is (a blank line is drawn as such). */
type StreamLine = { line: string; kind: 'head' | 'field' | 'blank' | 'comment' | 'more' }

const lines: StreamLine[] = [
  { line: 'HTTP/1.1 200 OK', kind: 'head' },
  { line: 'content-type: text/event-stream; charset=utf-8', kind: 'head' },
  { line: 'cache-control: no-cache, no-transform', kind: 'head' },
  { line: 'transfer-encoding: chunked', kind: 'head' },
  { line: '', kind: 'blank' },
  { line: 'retry: 2000', kind: 'field' },
  { line: '', kind: 'blank' },
  { line: 'id: 42', kind: 'field' },
  { line: 'data: {"id":42,"kind":"tick",…}', kind: 'field' },
  { line: '', kind: 'blank' },
  { line: ': heartbeat', kind: 'comment' },
  { line: '', kind: 'blank' },
  { line: 'event: reset', kind: 'field' },
  { line: 'data: {"latest":43}', kind: 'field' },
  { line: '', kind: 'blank' },
  { line: '… the response never ends', kind: 'more' }
]

/** What a run of lines (first to last, 0-based) is. */
const notes: { first: number; last: number; says: string[] }[] = [
  { first: 0, last: 3, says: ['The response head, sent once.', 'No Content-Length: the body', 'goes on.'] },
  { first: 4, last: 4, says: ['A blank line ends the head.'] },
  { first: 5, last: 6, says: ['retry: wait 2000 ms before', 'reconnecting.'] },
  {
    first: 7,
    last: 9,
    says: ['One event: id: (sent back as', 'Last-Event-ID after a drop),', 'data:, and the blank line', 'that ends it.']
  },
  {
    first: 10,
    last: 11,
    says: ['A comment (starts with ":"):', 'ignored, but its bytes keep', 'a quiet stream alive.']
  },
  { first: 12, last: 14, says: ['event: gives the event a type', '(here "reset"); a blank line', 'ends it too.'] }
]

const top = 40
const height = 22
const y = (n: number) => top + n * height

/** The anatomy of a text/event-stream response, line by line, each part annotated. */
export function eventStream(): string {
  const shown = lines.map(({ line, kind }, n) => {
    const content = kind === 'blank' ? '(blank line)' : line
    const className = kind === 'blank' || kind === 'more' ? 'fig-muted' : kind === 'comment' ? 'fig-comment' : undefined
    return text(26, y(n) + 15, content, { mono: kind !== 'blank' && kind !== 'more', size: 12.5, className })
  })
  const brackets = notes.map(({ first, last, says }) => {
    const from = y(first) + 3
    const to = y(last) + height - 3
    const middle = (from + to) / 2 - ((says.length - 1) * 16) / 2 + 4
    return (
      accented(
        'sse',
        `<path d="M404 ${from} h8 V${to} h-8" class="fig-bracket" fill="none" stroke="currentColor" stroke-width="2"/>`
      ) + says.map((part, i) => text(422, middle + i * 16, part, { size: 12.5 })).join('')
    )
  })
  const body = [
    text(12, 22, 'What this server writes, as the browser reads it (chunk-size lines left out)', {
      size: 12.5,
      className: 'fig-muted'
    }),
    `<rect x="16" y="${top - 2}" width="380" height="${lines.length * height + 4}" class="fig-box" fill="none" stroke="currentColor"/>`,
    ...shown,
    ...brackets
  ]
  return svgFigure({
    name: 'event-stream',
    title: 'The anatomy of a text/event-stream response',
    desc:
      'The response head (200 OK, content-type text/event-stream, cache-control no-cache, chunked), then the body ' +
      'line by line: retry: 2000 and a blank line; an event made of id: 42 and a data: line, ended by a blank line; ' +
      'a comment line ": heartbeat" that the browser ignores; an event with event: reset and a data: line, ended by ' +
      'a blank line; and the response never ends.',
    width: 680,
    height: y(lines.length) + 12,
    body: body.join('\n')
  })
}
