import type { Http2FrameItem, Http2HeaderField } from '../../shared/capture.ts'
import { h } from '../platform/dom.ts'

const framesShown = 30
const headsShown = 12

/** Seen from the server (the capture is there): the server stays on the left, the arrow shows which way the bytes went. */
const directionLabels: Record<Http2FrameItem['direction'], string> = {
  in: 'server ← browser',
  out: 'server → browser'
}

/** The HPACK static table has 61 entries (RFC 7541 Appendix A); higher indexes are this connection's own. */
const staticTableSize = 61

function timeOf(at: number): string {
  return new Date(at).toISOString().slice(11, 23)
}

function tableOf(index: number): string {
  return index <= staticTableSize ? 'static table' : 'dynamic table'
}

/** How HPACK sent a field, in the words of the legend above the list (RFC 7541 §6). */
function howSent(field: Http2HeaderField): string {
  const huffman = field.huffman ? ', Huffman' : ''
  const name = field.index !== undefined ? `name = ${field.index}` : 'name spelled out'
  switch (field.representation) {
    case 'indexed':
      return `indexed ${field.index ?? '?'} (${tableOf(field.index ?? 0)})`
    case 'literal-incremental':
      return `literal, added to the table (${name}${huffman})`
    case 'literal-without-indexing':
      return `literal, not added to the table (${name}${huffman})`
    case 'literal-never-indexed':
      return `literal, never to be indexed (${name}${huffman})`
  }
}

const fieldLegend =
  'How each field was sent: “indexed N” = one number standing for the whole field: 1–61 in HPACK’s fixed static table, 62 and up in the table this connection built from earlier heads. “literal” = spelled out, “added to the table” so the next request can send it as a number; “Huffman” = the text compressed with HPACK’s fixed code.'

/** "66 B on the wire for 551 B as HTTP/1.1 text", or why there is no such figure. */
function compressionFigure(frame: Http2FrameItem): string {
  if (frame.undecoded !== undefined) return frame.undecoded
  const block = frame.blockBytes ?? frame.length
  if (frame.continuations)
    return `${block} B of headers on the wire, in this frame and ${frame.continuations} CONTINUATION frame(s), for ${frame.asHttp1Bytes ?? '?'} B as HTTP/1.1 text`
  // RFC 9113 §6.2: PRIORITY adds 5 bytes before the headers, PADDED a length byte and the padding.
  const priority = frame.flagNames.includes('PRIORITY') ? 5 : 0
  const padding = frame.length - block - priority
  const extras = [
    ...(priority > 0 ? [`${priority} B of priority`] : []),
    ...(padding > 0 ? [`${padding} B of padding`] : [])
  ]
  const parts = extras.length > 0 ? ` (${block} B of headers + ${extras.join(' + ')})` : ''
  return `${frame.length} B on the wire${parts} for ${frame.asHttp1Bytes ?? '?'} B as HTTP/1.1 text`
}

/** What the frame's payload says, in one short line (the payload of DATA is shown on its own). */
function payloadSummary(frame: Http2FrameItem): string {
  if (frame.settings) return frame.settings.length > 0 ? frame.settings.join(', ') : '(no parameters)'
  if (frame.windowIncrement !== undefined) return `window +${frame.windowIncrement.toLocaleString('en')} B`
  if (frame.opaqueHex !== undefined) return `opaque data ${frame.opaqueHex}`
  if (frame.errorCode !== undefined)
    return frame.lastStreamId === undefined ? frame.errorCode : `${frame.errorCode}, last stream ${frame.lastStreamId}`
  if (frame.fields) return `as HTTP/1.1 text: ${frame.asHttp1Bytes ?? '?'} B`
  if (frame.typeName === 'DATA' && frame.length === 0 && frame.flagNames.includes('END_STREAM'))
    return 'empty: it only says this side of the stream is done'
  return ''
}

/** "HEADERS · stream 5 · 9 + 66 B · END_STREAM END_HEADERS" */
function frameLine(frame: Http2FrameItem): HTMLElement {
  const stream = frame.streamId === 0 ? 'stream 0 (the connection itself)' : `stream ${frame.streamId}`
  const summary = payloadSummary(frame)
  return h(
    'span',
    { class: 'h2-line' },
    h('span', { class: 'h2-direction' }, directionLabels[frame.direction]),
    ' ',
    h('strong', { class: 'h2-type' }, frame.typeName),
    ` · ${stream} · ${frame.headerBytes} + ${frame.length} B`,
    frame.flagNames.length > 0 ? ` · ${frame.flagNames.join(' ')}` : '',
    summary ? ` · ${summary}` : '',
    h('span', { class: 'h2-time' }, ` · ${timeOf(frame.at)}`)
  )
}

function fieldList(frame: Http2FrameItem): HTMLElement {
  return h(
    'ol',
    { class: 'h2-fields', 'aria-label': 'the header list this HEADERS frame decodes to' },
    ...(frame.fields ?? []).map((field) =>
      h(
        'li',
        { 'data-representation': field.representation },
        h('code', {}, `${field.name}: ${field.value}`),
        h('span', { class: 'how' }, ` ${field.encodedBytes} B · ${howSent(field)}`)
      )
    ),
    ...(frame.truncated ? [h('li', { class: 'cut' }, '… cut here by the capture')] : [])
  )
}

/**
 * The newest heads, newest first, and the oldest request head still kept when it is not among them:
 * the first request on a connection is the one that paid for every header once.
 */
function headsToShow(heads: Http2FrameItem[]): { shown: Http2FrameItem[]; oldestPinned: boolean } {
  const newest = heads.slice(-headsShown).reverse()
  const oldestRequest = heads.find((frame) => frame.direction === 'in')
  return oldestRequest && !newest.includes(oldestRequest)
    ? { shown: [...newest.slice(0, -1), oldestRequest], oldestPinned: true }
    : { shown: newest, oldestPinned: false }
}

/** Which fields were spelled out and what they cost, against those sent by number: where a head's bytes go. */
function whereBytesWent(fields: Http2HeaderField[]): string {
  const literals = fields.filter((field) => field.representation !== 'indexed')
  const indexed = fields.length - literals.length
  const bytes = (list: Http2HeaderField[]) => list.reduce((sum, field) => sum + field.encodedBytes, 0)
  const byNumber = `${indexed} field${indexed === 1 ? '' : 's'} by table number (${bytes(fields) - bytes(literals)} B)`
  if (literals.length === 0) return `Every field by table number: ${byNumber}.`
  const spelled = literals.map((field) => `${field.name} ${field.encodedBytes} B`).join(', ')
  return `Spelled out: ${spelled}; ${byNumber}.`
}

/**
 * The HTTP/2 frames the server read and wrote for one technique: a line per frame, HEADERS opening to
 * the header list the server's HPACK decoder made of them, DATA with its payload's start, and a table
 * of every head's size on the wire beside the same head as HTTP/1.1 text. Which HEADERS are open
 * survives the view's redraws.
 */
export class Http2FramesView {
  readonly #opened = new Set<number>()
  readonly #closed = new Set<number>()

  sections(frames: Http2FrameItem[]): HTMLElement[] {
    if (frames.length === 0) return []
    const heads = frames.filter((frame) => frame.typeName === 'HEADERS')
    const newestRequest = heads.findLast((frame) => frame.direction === 'in')
    return [
      h('h3', {}, 'HTTP/2 frames, newest first'),
      h(
        'p',
        { class: 'how-measured' },
        'Decoded from the frames the server read and wrote: the bytes between TLS and Node’s HTTP/2 session, 9-byte frame header and payload. Header lists are the server’s own HPACK decoding of each HEADERS frame. Frames of stream 0 belong to the whole connection (shared by every technique on it) and are shown muted.'
      ),
      ...(heads.length > 0 ? [this.#headsTable(headsToShow(heads))] : []),
      h(
        'ol',
        { class: 'h2-frames', reversed: '' },
        ...frames
          .slice(-framesShown)
          .reverse()
          .map((frame) => this.#frameView(frame, frame === newestRequest))
      )
    ]
  }

  #headsTable({ shown: heads, oldestPinned: pinned }: ReturnType<typeof headsToShow>): HTMLElement {
    const headings = ['', 'stream', 'HEADERS on the wire', 'as HTTP/1.1 text', 'time']
    const rows = heads.map((frame, i) =>
      h(
        'tr',
        pinned && i === heads.length - 1
          ? { 'data-direction': frame.direction, class: 'oldest-kept' }
          : { 'data-direction': frame.direction },
        h('td', {}, frame.direction === 'in' ? 'request' : 'response'),
        h('td', {}, String(frame.streamId)),
        h('td', { class: 'number' }, `${frame.headerBytes} + ${frame.length} B`),
        h('td', { class: 'number' }, frame.asHttp1Bytes === undefined ? '–' : `${frame.asHttp1Bytes} B`),
        h('td', {}, timeOf(frame.at))
      )
    )
    return h(
      'figure',
      { class: 'h2-heads' },
      h(
        'figcaption',
        {},
        `Heads, newest first${pinned ? ' (below the dashed line: the oldest request kept)' : ''}. Each HEADERS frame’s size (9 B frame header + payload) next to what the same headers take as HTTP/1.1 text. HPACK sends a header the connection has seen before as a table number, so repeated heads shrink; the page’s own requests on this connection may have filled the table before this technique’s first one.`
      ),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'frames' },
          h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
          h('tbody', {}, ...rows)
        )
      )
    )
  }

  #frameView(frame: Http2FrameItem, openByDefault: boolean): HTMLElement {
    const attributes = { class: 'h2-frame', 'data-direction': frame.direction, 'data-type': frame.typeName }
    const item = h('li', frame.streamId === 0 ? { ...attributes, 'data-connection': '' } : attributes)
    if (frame.typeName === 'HEADERS' && (frame.fields || frame.undecoded !== undefined)) {
      const open = this.#opened.has(frame.seq) || (openByDefault && !this.#closed.has(frame.seq))
      const details = h('details', open ? { open: '' } : {}, h('summary', {}, frameLine(frame)))
      details.append(
        h('p', { class: 'h2-figure' }, compressionFigure(frame), ' (plus the 9 B frame header)'),
        ...(frame.fields ? [h('p', {}, whereBytesWent(frame.fields))] : []),
        h('p', { class: 'h2-legend' }, fieldLegend),
        fieldList(frame)
      )
      details.addEventListener('toggle', () => {
        // Made open, a details element also fires `toggle`: only a change the reader made is remembered.
        if (details.open === open) return
        ;(details.open ? this.#opened : this.#closed).add(frame.seq)
        ;(details.open ? this.#closed : this.#opened).delete(frame.seq)
      })
      item.append(details)
      return item
    }
    item.append(frameLine(frame))
    if (frame.payload !== undefined && frame.payload.length > 0)
      item.append(
        h(
          'pre',
          { class: 'payload', 'aria-label': 'DATA payload as written' },
          frame.payload,
          frame.truncated ? ' …' : ''
        )
      )
    return item
  }
}
