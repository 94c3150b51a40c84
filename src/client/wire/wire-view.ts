import type {
  CaptureItem,
  FrameItem,
  Http2FrameItem,
  RequestItem,
  ResponseItem,
  StreamItem
} from '../../shared/capture.ts'
import { type TechniqueName, techniques } from '../../shared/techniques.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import type { CaptureFeed } from './capture-feed.ts'
import { Http2FramesView } from './h2-frames-view.ts'
import { HandshakeView } from './handshake-view.ts'
import { keepWireWatched } from './wire-watch.ts'
import './wire-view.css'

const exchangesShown = 6
const chunksShown = 20
const framesShown = 25

/** One HTTP request with its response (if any yet), on one connection. */
interface Exchange {
  request: RequestItem
  response?: ResponseItem
}

/** Server time as hh:mm:ss.mmm (UTC, like the panels' event times). */
function timeOf(at: number): string {
  return new Date(at).toISOString().slice(11, 23)
}

/** Hex as the wire carried it: byte pairs, spaced. */
function spacedHex(hex: string): string {
  return hex.replace(/(..)(?!$)/g, '$1 ')
}

/** The CRLF that ends every HTTP line, made visible. */
function crlf(): HTMLElement {
  return h('span', { class: 'crlf', 'aria-hidden': 'true' }, '\\r\\n')
}

/** A head as received or sent, with the CRLFs that end each line made visible. */
function headBlock(head: string, label: string): HTMLElement {
  const block = h('pre', { class: 'head', 'aria-label': label })
  const lines = head.endsWith('\r\n') ? head.slice(0, -2).split('\r\n') : head.split('\r\n')
  for (const line of lines) block.append(line, crlf(), '\n')
  return block
}

function exchangesOf(items: CaptureItem[]): Exchange[] {
  const exchanges: Exchange[] = []
  for (const item of items) {
    if (item.kind === 'request') exchanges.push({ request: item })
    if (item.kind !== 'response') continue
    const waiting = exchanges.findLast((exchange) => exchange.request.connection === item.connection)
    if (waiting && !waiting.response) waiting.response = item
  }
  return exchanges
}

function connectionLine(request: RequestItem): HTMLElement {
  return request.newConnection
    ? h(
        'span',
        { class: 'connection new' },
        `new TCP connection #${request.connection}: a 3-way handshake (SYN, SYN-ACK, ACK) came first`
      )
    : h('span', { class: 'connection reused' }, `reused kept-alive connection #${request.connection}: no handshake`)
}

/** Where a request head came from, said where the head is shown. */
const sourceLabels: Record<RequestItem['source'], { said: string; sizes: (request: RequestItem) => string }> = {
  'socket-bytes': {
    said: 'bytes as received',
    sizes: ({ headBytes, bodyBytes }) => `${headBytes} B head + ${bodyBytes} B body as received`
  },
  'parsed-by-node': {
    said: 'as Node parsed it (rebuilt from rawHeaders; the bytes on the wire may differ in spacing/case)',
    sizes: ({ headBytes, bodyBytes }) =>
      `${headBytes} B head as rebuilt + ${bodyBytes} B body as Node delivered it (chunk framing removed)`
  }
}

function exchangeView({ request, response }: Exchange): HTMLElement {
  const held = response ? Math.round(response.at - request.at) : undefined
  const source = sourceLabels[request.source] ?? sourceLabels['parsed-by-node']
  const facts = [
    `request at ${timeOf(request.at)}`,
    source.sizes(request),
    response
      ? `answered ${response.status} after ${held} ms, ${response.headBytes} B head + ${response.bodyBytes} B body`
      : 'not answered yet (held by the server)'
  ]
  return h(
    'li',
    { class: 'exchange' },
    h('p', {}, connectionLine(request), ' · ', facts.join(' · ')),
    h('p', { class: 'head-source', 'data-source': request.source }, `Request head: ${source.said}`),
    headBlock(request.head, `request head, ${source.said}`),
    response ? headBlock(response.head, 'response head as sent') : '',
    response?.bodyStart ? h('pre', { class: 'body', 'aria-label': 'body start as sent' }, response.bodyStart) : ''
  )
}

function streamView(chunks: StreamItem[]): HTMLElement {
  const text = h('pre', { class: 'stream', 'aria-label': 'the event stream as written, chunk framing included' })
  for (const chunk of chunks) {
    text.append(
      h('span', { class: 'chunk-size', title: 'HTTP chunk size in hex' }, chunk.chunkSize),
      crlf(),
      '\n',
      chunk.text,
      crlf(),
      '\n'
    )
  }
  return text
}

const yesNo = (bit: boolean) => (bit ? '1' : '0')

/**
 * A frame's direction, always from the server's side (the capture is at the server's socket):
 * the server stays on the left and the arrow points the way the bytes went, so every row names both ends.
 */
const directionLabels: Record<FrameItem['direction'], string> = {
  in: 'server ← browser',
  out: 'server → browser'
}

function frameRow(frame: FrameItem): HTMLTableRowElement {
  const cells = [
    directionLabels[frame.direction],
    timeOf(frame.at),
    yesNo(frame.fin),
    `${yesNo(frame.rsv1)}${yesNo(frame.rsv2)}${yesNo(frame.rsv3)}`,
    `${frame.opcode} ${frame.opcodeName}`,
    yesNo(frame.masked),
    frame.maskingKey ?? '–',
    `${frame.payloadLength} (${frame.lengthForm}-bit)`,
    String(frame.headerBytes),
    frame.payload
  ]
  return h('tr', { 'data-direction': frame.direction }, ...cells.map((cell) => h('td', {}, cell)))
}

function lastFrameView(frame: FrameItem): HTMLElement {
  const fields: [string, string][] = [
    [
      'direction',
      frame.direction === 'in'
        ? `${directionLabels.in} (masked, as RFC 6455 requires of the browser)`
        : `${directionLabels.out} (unmasked)`
    ],
    ['FIN', frame.fin ? '1: the last (or only) frame of the message' : '0: more frames follow'],
    ['RSV1–3', `${yesNo(frame.rsv1)} ${yesNo(frame.rsv2)} ${yesNo(frame.rsv3)}`],
    ['opcode', `0x${frame.opcode.toString(16)} (${frame.opcodeName})`],
    ['MASK', frame.masked ? `1, key ${frame.maskingKey}` : '0'],
    ['payload length', `${frame.payloadLength} bytes, in the ${frame.lengthForm}-bit form`],
    ['header', `${frame.headerBytes} bytes`]
  ]
  return h(
    'figure',
    { class: 'last-frame' },
    h('figcaption', {}, `The last frame, ${timeOf(frame.at)}: its first bytes exactly as they crossed the wire`),
    h('pre', { class: 'hex', 'data-hex': frame.hex }, spacedHex(frame.hex)),
    h('dl', {}, ...fields.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    h('pre', { class: 'payload', 'aria-label': 'payload, unmasked' }, frame.payload)
  )
}

function framesView(frames: FrameItem[]): HTMLElement {
  const headings = [
    'direction (at the server)',
    'time',
    'FIN',
    'RSV',
    'opcode',
    'MASK',
    'masking key',
    'payload length',
    'header B',
    'payload'
  ]
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'frames' },
      h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, ...frames.map(frameRow))
    )
  )
}

/** What the view shows, said above it: over HTTP/2 the capture reads frames, not HTTP/1.1 text. */
const howMeasured = {
  http1:
    'Captured at the server’s socket. Responses, the event stream and WebSocket frames are the bytes the socket wrote and read. Request heads are the bytes as received while this view is open (and a minute after); before, the server lets Node parse requests and rebuilds the head, and says so above each one. Times are the server’s clock (UTC).',
  http2:
    'This technique reaches the server over HTTP/2: one TLS connection carries the page’s requests, each request with its answer on a stream of its own. Captured at the server, every frame as it was read or written. Times are the server’s clock (UTC).'
} as const

/**
 * A technique's "wire" view: what the server's socket carried for this page, newest
 * first. Response heads, the SSE stream and WebSocket frames are the bytes written and
 * read; request heads are the bytes received while a wire view of this page is open
 * (the view tells the server), and before that rebuilt from Node's parse, each labelled.
 */
export class WireView {
  readonly #technique: TechniqueName
  readonly #feed: CaptureFeed
  readonly #clock: ServerClock
  readonly #dialog: HTMLDialogElement
  readonly #body = h('div', { class: 'wire-body' })
  readonly #summary = h('p', { class: 'wire-summary', role: 'status' })
  readonly #howMeasured = h('p', { class: 'how-measured' }, howMeasured.http1)
  readonly #capturedBy = h('p', { class: 'captured-by', hidden: '' })
  readonly #handshake: HandshakeView | undefined
  readonly #http2 = new Http2FramesView()
  #frozen = false
  readonly #clientId: string
  #stopWatching: (() => void) | undefined

  /** With several instances: which instances served this technique's answers, as the page saw them. */
  readonly #servedBy: () => string | undefined

  constructor(
    technique: TechniqueName,
    title: string,
    feed: CaptureFeed,
    clock: ServerClock,
    clientId: string,
    servedBy: () => string | undefined = () => undefined
  ) {
    this.#servedBy = servedBy
    this.#technique = technique
    this.#feed = feed
    this.#clock = clock
    this.#clientId = clientId
    // Only a technique that upgrades its connection has an opening handshake to work through.
    if (techniques[technique].upgrades) this.#handshake = new HandshakeView(clientId)
    const close = h('button', { type: 'button', class: 'close' }, 'Close')
    const freeze = h('input', { type: 'checkbox', name: 'freeze' })
    this.#dialog = h(
      'dialog',
      { class: 'wire-view', 'aria-labelledby': `${technique}-wire-title`, 'data-technique': technique },
      h(
        'header',
        {},
        h('h2', { id: `${technique}-wire-title` }, `On the wire: ${title}`),
        h('label', {}, freeze, ' freeze'),
        close
      ),
      this.#howMeasured,
      this.#capturedBy,
      this.#summary,
      this.#body
    )
    close.addEventListener('click', () => this.#dialog.close())
    this.#dialog.addEventListener('close', () => {
      this.#stopWatching?.()
      this.#stopWatching = undefined
    })
    freeze.addEventListener('change', () => {
      this.#frozen = freeze.checked
      this.#render()
    })
    document.body.append(this.#dialog)
    feed.onChange((changed) => {
      if (changed.has(technique)) this.#render()
    })
  }

  open(): void {
    this.#stopWatching ??= keepWireWatched(this.#clientId)
    this.#dialog.showModal()
    void this.#handshake?.load()
    this.#render()
  }

  #render(): void {
    if (!this.#dialog.open || this.#frozen) return
    const items = this.#feed.items(this.#technique)
    const now = browserNow() + this.#clock.offset
    const handshakes = this.#feed.handshakesLastMinute(this.#technique, now)
    this.#howMeasured.textContent = items.some((item) => item.kind === 'h2-frame')
      ? howMeasured.http2
      : howMeasured.http1
    const capturedBy = [this.#servedBy(), this.#feed.capturedBy].filter(Boolean).join(' ')
    this.#capturedBy.hidden = capturedBy === ''
    this.#capturedBy.textContent = capturedBy
    this.#summary.textContent = `TCP handshakes in the last minute: ${handshakes} · items captured: ${items.length}`
    this.#summary.dataset.handshakes = String(handshakes)
    this.#body.replaceChildren(...this.#sections(items))
  }

  #sections(items: CaptureItem[]): HTMLElement[] {
    const handshakeSteps = this.#handshake ? [this.#handshake.element] : []
    if (items.length === 0)
      return [
        h('p', {}, this.#feed.notCapturedReason ?? 'Nothing captured yet: switch the panel on (or click it) first.'),
        ...handshakeSteps
      ]
    const exchanges = exchangesOf(items).slice(-exchangesShown).reverse().map(exchangeView)
    const frames = items.filter((item): item is FrameItem => item.kind === 'frame')
    const chunks = items.filter((item): item is StreamItem => item.kind === 'stream')
    // Over HTTP/2 a technique's requests, answers and events are all frames of its streams.
    const http2 = this.#http2.sections(items.filter((item): item is Http2FrameItem => item.kind === 'h2-frame'))
    // In the order things happen on the connection: an upgrading technique's Upgrade request and
    // 101 answer (and the Accept worked through) come before any frame, which only follows them.
    const opening = this.#handshake
      ? [h('h3', {}, 'The handshake: Upgrade request and 101 answer'), h('ol', { class: 'exchanges' }, ...exchanges)]
      : []
    const requests =
      this.#handshake || exchanges.length === 0
        ? []
        : [h('h3', {}, 'Requests, newest first'), h('ol', { class: 'exchanges' }, ...exchanges)]
    const last = frames.at(-1)
    const traffic = [
      ...(last ? [lastFrameView(last)] : []),
      ...(frames.length > 0
        ? [h('h3', {}, 'Frames, newest first'), framesView(frames.slice(-framesShown).reverse())]
        : []),
      ...(chunks.length > 0
        ? [h('h3', {}, 'The stream as written, newest last'), streamView(chunks.slice(-chunksShown))]
        : [])
    ]
    return [...opening, ...handshakeSteps, ...http2, ...traffic, ...requests]
  }
}
