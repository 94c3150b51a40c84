import type { CaptureItem, FrameItem } from '../../shared/capture.ts'
import { bitsOfHex, type PlacedField, placedFields } from '../../shared/frame-layout.ts'
import { h, svgElement as svg } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'

const left = 20
const bit = 20 // one bit, in viewBox units, as in the server's websocket-frame figure
const rowHeight = 66

/** Short names for the one-bit fields, so they fit over one bit. */
const shortNames: Record<string, string> = { FIN: 'FIN', RSV1: 'R1', RSV2: 'R2', RSV3: 'R3', MASK: 'M' }

/** The parts of `field` that fall in each 32-bit row: [row, first bit in the row, bits]. */
function rowPieces(field: PlacedField): [number, number, number][] {
  const pieces: [number, number, number][] = []
  let start = field.start
  const end = field.start + field.bits
  while (start < end) {
    const row = Math.floor(start / 32)
    const until = Math.min(end, (row + 1) * 32)
    pieces.push([row, start - row * 32, until - start])
    start = until
  }
  return pieces
}

/** The frame's first bits in RFC 6455's layout, 32 to a row, each field outlined and named. */
function bitLayout(frame: FrameItem, title: string): SVGSVGElement {
  const bits = bitsOfHex(frame.hex)
  const headerBits = frame.headerBytes * 8
  // The rest of the header's last row is filled with the first payload bits, when the capture has them.
  const rowEnd = Math.ceil(headerBits / 32) * 32
  const payloadBits = Math.max(0, Math.min(rowEnd - headerBits, bits.length - headerBits, frame.payloadLength * 8))
  const fields = placedFields(frame, payloadBits)
  const rows = Math.ceil((headerBits + payloadBits) / 32)
  const height = 44 + rows * rowHeight
  const root = svg('svg', { viewBox: `0 0 680 ${height}`, role: 'img', class: 'figure-svg', 'font-size': 13 })
  root.append(svg('title', {}, title))
  for (let n = 0; n < 32; n++) {
    const x = left + n * bit + bit / 2
    if (n % 10 === 0) root.append(svg('text', { x, y: 16, 'text-anchor': 'middle', class: 'fig-mono' }, String(n / 10)))
    root.append(svg('text', { x, y: 34, 'text-anchor': 'middle', class: 'fig-muted fig-mono' }, String(n % 10)))
  }
  const shown = Math.min(bits.length, headerBits + payloadBits)
  for (let n = 0; n < shown; n++) {
    const row = Math.floor(n / 32)
    const x = left + (n % 32) * bit
    const y = 44 + row * rowHeight + 30
    const value = bits[n] ?? 0
    root.append(svg('rect', { x, y, width: bit, height: 28, class: 'bit-cell' }))
    root.append(
      svg(
        'text',
        { x: x + bit / 2, y: y + 19, 'text-anchor': 'middle', class: `bit fig-mono${value ? ' bit-one' : ''}` },
        String(value)
      )
    )
  }
  for (const field of fields)
    for (const [row, from, count] of rowPieces(field)) {
      const x = left + from * bit
      const y = 44 + row * rowHeight
      root.append(svg('rect', { x, y: y + 30, width: count * bit, height: 28, class: 'field-edge' }))
      const payload = frame.masked ? 'Payload data (first bits, masked)' : 'Payload data (first bits)'
      const long = field.name === 'Payload data' && count >= 12 ? payload : field.name
      const name = count === 1 ? (shortNames[field.name] ?? field.name) : long
      const size = count === 1 ? 11 : 12.5
      root.append(
        svg('text', { x: x + (count * bit) / 2, y: y + 22, 'text-anchor': 'middle', 'font-size': size }, name)
      )
    }
  return root
}

const hexBytes = (hex: string) => hex.replace(/(..)(?!$)/g, '$1 ')

function decoded(frame: FrameItem): HTMLDListElement {
  const rows: [string, string][] = [
    ['FIN', frame.fin ? '1: the last frame of its message' : '0: more frames of this message follow'],
    [
      'RSV1–3',
      `${[frame.rsv1, frame.rsv2, frame.rsv3].map(Number).join(' ')}${frame.rsv1 || frame.rsv2 || frame.rsv3 ? ': an extension uses them' : ': no extension'}`
    ],
    [
      'opcode',
      `${frame.opcode.toString(2).padStart(4, '0')} = 0x${frame.opcode.toString(16).toUpperCase()}, ${frame.opcodeName}`
    ],
    [
      'MASK',
      frame.masked
        ? '1: masked, as every frame from the browser must be'
        : '0: not masked; frames from the server to the browser never are'
    ],
    [
      'payload length',
      `${frame.payloadLength.toLocaleString('en')} bytes` +
        (frame.lengthForm === 7
          ? ', in the 7-bit field'
          : `: 7-bit field ${frame.lengthForm === 16 ? 126 : 127}, then a ${frame.lengthForm}-bit length`)
    ],
    ['masking key', frame.maskingKey ? `${hexBytes(frame.maskingKey)} (hex), chosen by the browser` : 'none'],
    ['header', `${frame.headerBytes} bytes; the first bytes on the wire: ${hexBytes(frame.hex.slice(0, 16))}`],
    ['payload', frame.payload.length > 90 ? `${frame.payload.slice(0, 90)}…` : frame.payload]
  ]
  // The payload can be another student's chat text: textContent only (h() makes text nodes).
  return h('dl', {}, ...rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]))
}

/** One live frame figure: the label says exactly what it is; the figure fills in with each new frame. */
class LiveFrame {
  readonly element: HTMLElement
  #body: HTMLElement
  #title: string

  constructor(which: 'received' | 'sent', label: string, waiting: string) {
    this.#title = label
    this.#body = h('p', { class: 'live-frame-waiting' }, waiting)
    this.element = h(
      'figure',
      { class: 'live-frame', 'data-live-frame': which },
      h('figcaption', { class: 'live-frame-label' }, label),
      this.#body
    )
  }

  show(frame: FrameItem): void {
    const { dataset } = this.element
    dataset.fin = String(Number(frame.fin))
    dataset.opcode = String(frame.opcode)
    dataset.mask = String(Number(frame.masked))
    dataset.payloadLength = String(frame.payloadLength)
    dataset.seq = String(frame.seq)
    const at = new Date(frame.at).toISOString().slice(11, 23)
    const body = h(
      'div',
      { class: 'live-frame-body' },
      h(
        'div',
        { class: 'figure-scroll', tabindex: '0', role: 'group', 'aria-label': this.#title },
        bitLayout(frame, `${this.#title}: its header bits`)
      ),
      h('p', { class: 'live-frame-label' }, `Captured at ${at} (server clock, UTC), connection #${frame.connection}.`),
      decoded(frame)
    )
    this.#body.replaceWith(body)
    this.#body = body
  }

  explain(reason: string): void {
    const note = h('p', { class: 'live-frame-waiting' }, reason)
    this.#body.replaceWith(note)
    this.#body = note
  }
}

/**
 * "This frame, live", next to the lesson's `websocket-frame` figure on a page with a WebSocket demo:
 * the bits of the last frame the server sent this page and of the last one the page sent, taken from
 * what the server captured at its socket (pushed over `/wire/live`, the wire view's source too).
 */
export function showLiveFrames(live: WireLive): void {
  const figure = document.querySelector('[data-figure="websocket-frame"]')
  if (!figure || !document.querySelector('.demo[data-technique="websocket"]')) return
  const received = new LiveFrame(
    'received',
    'The last frame the server sent this page, as captured at the server socket',
    'No frame yet: switch the WebSocket demo on, and the next event it receives is drawn here.'
  )
  const sent = new LiveFrame(
    'sent',
    'The last frame this page sent to the server, as captured at the server socket',
    'No frame sent yet: the demo sends a ping a few seconds after it opens, and another each time you press Ping.'
  )
  figure.after(
    h(
      'section',
      { class: 'live-frames', 'aria-labelledby': 'live-frames-title' },
      h('h3', { id: 'live-frames-title' }, 'This frame, live'),
      received.element,
      sent.element
    )
  )
  const isFrame = (item: CaptureItem): item is FrameItem => item.kind === 'frame' && item.technique === 'websocket'
  live.listen({
    capture: (items) => {
      const frames = items.filter(isFrame)
      const lastOut = frames.findLast((frame) => frame.direction === 'out')
      const lastIn = frames.findLast((frame) => frame.direction === 'in')
      if (lastOut) received.show(lastOut)
      if (lastIn) sent.show(lastIn)
    },
    captureStatus: (status) => {
      if (status.captured) return
      const reason = `Not captured: this server keeps the wire of at most ${status.maxPages.toLocaleString('en')} pages, and this room has more.`
      received.explain(reason)
      sent.explain(reason)
    }
  })
}
