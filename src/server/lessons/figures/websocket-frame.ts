import { frameHeaderFields } from '../../../shared/frame-layout.ts'
import { svgFigure, text } from './svg.ts'

const left = 20
const bit = 20 // one bit, in viewBox units: 32 to a row, as RFC 6455 draws it
const rulerBottom = 44

/** One box of the layout: a field (or part of one) from bit `from` to `to` (exclusive) of a row. */
interface Box {
  row: number
  from: number
  to: number
  lines: string[]
  /** Its top edge drawn dashed: it continues the box above, as the RFC's "- - -". */
  continues?: boolean
  /** Its bottom edge drawn dashed: the box below continues it. */
  continued?: boolean
}

const rowTops = [
  rulerBottom,
  rulerBottom + 76,
  rulerBottom + 116,
  rulerBottom + 156,
  rulerBottom + 196,
  rulerBottom + 236
]
const rowTop = (row: number) => rowTops[row] ?? 0
const rowHeight = (row: number) => rowTop(row + 1) - rowTop(row)

function box({ row, from, to, lines, continues, continued }: Box): string {
  const x = left + from * bit
  const width = (to - from) * bit
  const y = rowTop(row)
  const height = rowHeight(row)
  const edge = (y1: number, dashed: boolean | undefined) =>
    `<line x1="${x}" y1="${y1}" x2="${x + width}" y2="${y1}" class="fig-box-edge" stroke="currentColor"${dashed ? ' stroke-dasharray="6 5"' : ''}/>`
  const sides = `<path d="M${x} ${y} V${y + height} M${x + width} ${y} V${y + height}" class="fig-box-edge" stroke="currentColor" fill="none"/>`
  const narrow = to - from === 1
  const lineHeight = narrow ? 14 : 16
  const firstY = y + height / 2 - ((lines.length - 1) * lineHeight) / 2 + 5
  const labels = lines
    .map((content, i) =>
      text(x + width / 2, firstY + i * lineHeight, content, { anchor: 'middle', size: narrow ? 12 : 13, mono: narrow })
    )
    .join('')
  return edge(y, continues) + edge(y + height, continued) + sides + labels
}

function field(name: string, bits: string, boxes: Box[]): string {
  return `<g class="fig-field" data-field="${name}" data-bits="${bits}">${boxes.map(box).join('')}</g>`
}

/** The bit numbers over the layout: tens, then units, 0 to 31, as in the RFC's figure. */
function ruler(): string {
  const parts: string[] = []
  for (let n = 0; n < 32; n++) {
    const x = left + n * bit + bit / 2
    if (n % 10 === 0) parts.push(text(x, 18, String(n / 10), { anchor: 'middle', size: 12, mono: true }))
    parts.push(text(x, 36, String(n % 10), { anchor: 'middle', size: 12, mono: true, className: 'fig-muted' }))
  }
  return `<g class="fig-ruler" aria-hidden="true">${parts.join('')}</g>`
}

/** RFC 6455 section 5.2's base framing protocol: the frame header's bit layout, 32 bits per row. */
export function websocketFrame(): string {
  const [fin, rsv1, rsv2, rsv3, opcode, mask, length, extended, maskingKey] = frameHeaderFields
  const bitsOf = (f: typeof fin) => String(f?.bits ?? '')
  const stacked = (name: string) => [...name]
  const body = [
    ruler(),
    field('FIN', bitsOf(fin), [{ row: 0, from: 0, to: 1, lines: stacked('FIN') }]),
    field('RSV1', bitsOf(rsv1), [{ row: 0, from: 1, to: 2, lines: stacked('RSV1') }]),
    field('RSV2', bitsOf(rsv2), [{ row: 0, from: 2, to: 3, lines: stacked('RSV2') }]),
    field('RSV3', bitsOf(rsv3), [{ row: 0, from: 3, to: 4, lines: stacked('RSV3') }]),
    field('opcode', bitsOf(opcode), [{ row: 0, from: 4, to: 8, lines: ['opcode', '(4)'] }]),
    field('MASK', bitsOf(mask), [{ row: 0, from: 8, to: 9, lines: stacked('MASK') }]),
    field('Payload len', bitsOf(length), [{ row: 0, from: 9, to: 16, lines: ['Payload len', '(7)'] }]),
    field('Extended payload length', bitsOf(extended), [
      {
        row: 0,
        from: 16,
        to: 32,
        lines: ['Extended payload length', '(16/64)', '(if payload len == 126/127)'],
        continued: true
      },
      {
        row: 1,
        from: 0,
        to: 32,
        lines: ['Extended payload length continued, if payload len == 127'],
        continues: true,
        continued: true
      },
      { row: 2, from: 0, to: 16, lines: ['… continued'], continues: true }
    ]),
    field('Masking-key', bitsOf(maskingKey), [
      { row: 2, from: 16, to: 32, lines: ['Masking-key, if MASK set to 1'] },
      { row: 3, from: 0, to: 16, lines: ['Masking-key (continued)'] }
    ]),
    field('Payload data', '', [
      { row: 3, from: 16, to: 32, lines: ['Payload Data'], continued: true },
      { row: 4, from: 0, to: 32, lines: ['Payload Data continued …'], continues: true, continued: true }
    ]),
    text(
      left,
      rowTop(5) + 24,
      'Bits 0–15 are in every frame. A server frame with at most 125 bytes of payload has only',
      {
        size: 12.5
      }
    ),
    text(
      left,
      rowTop(5) + 42,
      'those 2 bytes; 126 adds a 16-bit length, 127 a 64-bit one; MASK 1 adds the 4-byte key.',
      {
        size: 12.5
      }
    )
  ]
  return svgFigure({
    name: 'websocket-frame',
    title: 'The WebSocket frame header, bit by bit (RFC 6455 section 5.2)',
    desc:
      'Bits numbered 0 to 31 across each row. Row one: FIN (1 bit), RSV1, RSV2, RSV3 (1 bit each), opcode (4 bits), ' +
      'MASK (1 bit), payload len (7 bits), then the extended payload length (16 bits, or 64 bits running on into the ' +
      'next rows) present only if payload len is 126 or 127. Then the 32-bit masking key, present only if MASK is 1, ' +
      'then the payload data.',
    width: 680,
    height: rowTop(5) + 54,
    body: body.join('\n')
  })
}
