import type { CaptureItem } from '../shared/capture.ts'
import type { TechniqueName } from '../shared/techniques.ts'
import type { CaptureFeed } from './capture-feed.ts'
import { itemsCapPerTechnique } from './capture-feed.ts'
import { captionOf, windowName } from './diagram-tally.ts'
import { type Aggregate, type DiagramPlan, type PlannedArrow, planWindow } from './diagram-window.ts'
import { browserNow, h, svgElement } from './dom.ts'
import type { ServerClock } from './server-clock.ts'
import { paintAccent, techniqueBadge } from './technique-look.ts'
import './sequence-diagram.css'

/** The windows the zoom offers: all of the last 20 s, or the last 2 s where 100 ms is 20 px. */
const zooms = [
  { windowMs: 20_000, label: '20 s' },
  { windowMs: 2_000, label: '2 s' }
] as const
const redrawEveryMs = 250
const width = 360
const plotTop = 34
const plotHeight = 320
const height = plotTop + plotHeight + 22
const clientX = 64
const serverX = width - 46
/** Arrows lean by at least this many pixels, so one with no simulated delay still reads as a trip. */
const minimalLeanPx = 3
/** A handshake's zigzag is at least this tall, so its three steps show even without a simulated delay. */
const minimalHandshakePx = 9
const textLinePx = 16
const charsPerLine = 28

/** An SVG element with, when given, a tooltip (its `<title>`). */
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  title?: string
): SVGElementTagNameMap[K] {
  return title ? svgElement(tag, attributes, svgElement('title', {}, title)) : svgElement(tag, attributes)
}

function svgText(x: number, y: number, text: string, className: string): SVGTextElement {
  const element = svg('text', { x, y, class: className })
  element.textContent = text
  return element
}

/** Phrases packed into lines of at most `charsPerLine`, the duration after the last. */
function linesOf(aggregate: Aggregate): string[] {
  const lines: string[] = []
  for (const phrase of [...aggregate.phrases, aggregate.during]) {
    const last = lines.at(-1)
    if (last !== undefined && last.length + phrase.length + 2 <= charsPerLine)
      lines[lines.length - 1] = phrase === aggregate.during ? `${last} ${phrase}` : `${last}, ${phrase}`
    else lines.push(phrase)
  }
  return lines
}

/**
 * One technique's last seconds as a sequence diagram: the browser's lane on the
 * left, the server's on the right, time flowing down to "now". Every arrow ends
 * at the moment the server's socket read or wrote those bytes; when a round trip
 * is simulated, arrows lean by the simulated one-way delay. Where arrows would
 * be too close to tell apart, one band counts what they were.
 */
class SequenceDiagram {
  readonly element: HTMLElement
  readonly #technique: TechniqueName
  readonly #title: string
  readonly #svg: SVGSVGElement
  readonly #caption = h('figcaption', {})

  constructor(technique: TechniqueName, title: string) {
    this.#technique = technique
    this.#title = title
    this.#svg = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img' })
    this.element = h(
      'figure',
      { class: 'sequence', 'data-technique': technique },
      h('h3', {}, techniqueBadge(technique), title),
      this.#svg,
      this.#caption
    )
    paintAccent(this.element, technique)
  }

  draw(items: CaptureItem[], now: number, windowMs: number, completeSince: number | undefined): void {
    const plan = planWindow(items, { now, windowMs, heightPx: plotHeight, completeSince })
    const y = (at: number) => plotTop + ((at - plan.since) / windowMs) * plotHeight
    const clipId = `sequence-clip-${this.#technique}`
    const clip = svg('clipPath', { id: clipId })
    clip.append(svg('rect', { x: 0, y: plotTop, width, height: plotHeight }))
    const drawing = svg('g', { 'clip-path': `url(#${clipId})` })
    drawing.append(
      ...plan.holds.map((hold) =>
        svg(
          'rect',
          { x: serverX - 5, y: y(hold.fromAt), width: 10, height: y(hold.toAt) - y(hold.fromAt), class: 'held' },
          `held ${Math.round(hold.toAt - hold.fromAt)} ms`
        )
      ),
      ...plan.aggregates.map((aggregate) => this.#aggregate(aggregate, y)),
      ...plan.handshakes.map((handshake) => this.#handshake(y(handshake.startAt), y(handshake.endAt))),
      ...plan.closes.map((at) =>
        svg('line', { x1: clientX, y1: y(at), x2: serverX, y2: y(at), class: 'closed' }, 'connection closed')
      ),
      ...plan.arrows.map((arrow) => this.#arrow(arrow, y))
    )
    this.#svg.replaceChildren(...this.#frame(windowMs), clip, drawing)
    this.#svg.setAttribute('aria-label', `${this.#title}: the ${windowName(windowMs)} on the wire`)
    this.#describe(plan)
  }

  /** Lanes, their names, and the time axis from the window's start down to now. */
  #frame(windowMs: number): SVGElement[] {
    const parts: SVGElement[] = [
      svgText(clientX, 18, 'browser', 'lane-name'),
      svgText(serverX, 18, 'server', 'lane-name'),
      svg('line', { x1: clientX, y1: plotTop, x2: clientX, y2: plotTop + plotHeight, class: 'lane' }),
      svg('line', { x1: serverX, y1: plotTop, x2: serverX, y2: plotTop + plotHeight, class: 'lane' })
    ]
    for (let quarter = 0; quarter <= 4; quarter++) {
      const tickY = plotTop + (quarter / 4) * plotHeight
      const secondsAgo = (windowMs * (4 - quarter)) / 4 / 1000
      parts.push(
        svg('line', { x1: clientX - 6, y1: tickY, x2: serverX, y2: tickY, class: 'tick' }),
        svgText(clientX - 9, tickY + 4, secondsAgo === 0 ? 'now' : `−${secondsAgo} s`, 'tick-label')
      )
    }
    return parts
  }

  /** The caption and the figure's data attributes, counting what the window holds. */
  #describe(plan: DiagramPlan): void {
    const { tally } = plan
    const dataset = this.element.dataset
    dataset.windowMs = String(plan.windowMs)
    dataset.handshakes = String(tally.handshakes)
    dataset.requests = String(tally.requests)
    dataset.pushes = String(tally.pushes)
    if (plan.firstAt !== undefined && plan.lastAt !== undefined) {
      dataset.firstAt = String(Math.round(plan.firstAt))
      dataset.lastAt = String(Math.round(plan.lastAt))
    } else {
      delete dataset.firstAt
      delete dataset.lastAt
    }
    dataset.spanMs = String(Math.round(plan.spanMs))
    this.#caption.textContent = captionOf(plan, itemsCapPerTechnique)
  }

  /** Traffic too dense for arrows: one band, bracketed, that says what it holds. */
  #aggregate(aggregate: Aggregate, y: (at: number) => number): SVGElement {
    const top = y(aggregate.fromAt)
    const bandHeight = Math.max(2, y(aggregate.toAt) - top)
    const group = svg('g', { class: 'aggregate', 'data-text': aggregate.text }, aggregate.text)
    group.append(
      svg('rect', { x: clientX + 4, y: top + 1, width: serverX - clientX - 8, height: bandHeight - 2, rx: 3 }),
      svg('polyline', {
        class: 'bracket',
        points: `${serverX + 8},${top + 1} ${serverX + 12},${top + 1} ${serverX + 12},${top + bandHeight - 1} ${serverX + 8},${top + bandHeight - 1}`
      })
    )
    const tickPx = 16
    const ticks = aggregate.ticks
      .map(({ at, from }) =>
        from === 'browser' ? `M${clientX} ${y(at).toFixed(1)}h${tickPx}` : `M${serverX} ${y(at).toFixed(1)}h${-tickPx}`
      )
      .join('')
    if (ticks) group.append(svg('path', { class: 'ticks', d: ticks }))
    const lines = linesOf(aggregate)
    const fitting = Math.max(1, Math.min(lines.length, Math.floor((bandHeight - 2) / textLinePx)))
    const shown = lines.slice(0, fitting)
    if (shown.length < lines.length) shown[shown.length - 1] = `${shown.at(-1)} …`
    const firstBaseline = top + bandHeight / 2 - ((shown.length - 1) * textLinePx) / 2 + 5
    shown.forEach((line, index) => {
      group.append(svgText((clientX + serverX) / 2, firstBaseline + index * textLinePx, line, 'aggregate-text'))
    })
    return group
  }

  /** SYN, SYN-ACK, ACK, drawn as one marked step. */
  #handshake(startY: number, endY: number): SVGElement {
    const span = Math.max(minimalHandshakePx, endY - startY)
    const step = span / 3
    const group = svg('g', { class: 'handshake' }, 'TCP 3-way handshake: SYN, SYN-ACK, ACK')
    group.append(
      svg('polyline', {
        points: `${clientX},${startY} ${serverX},${startY + step} ${clientX},${startY + 2 * step} ${serverX},${startY + 3 * step}`
      })
    )
    // Named only where there is room to read it (a simulated round trip at the 2 s zoom).
    if (span >= 24)
      group.append(svgText((clientX + serverX) / 2, startY + span / 2 + 4, 'SYN · SYN-ACK · ACK', 'handshake-label'))
    return group
  }

  #arrow(arrow: PlannedArrow, y: (at: number) => number): SVGElement {
    const [from, to] = arrow.from === 'browser' ? [clientX, serverX] : [serverX, clientX]
    const fromY = y(arrow.fromAt)
    const variant = arrow.kind === 'request' ? (arrow.reused ? ' reused' : ' fresh') : ''
    return svg(
      'line',
      {
        x1: from,
        y1: fromY,
        x2: to,
        y2: Math.max(y(arrow.toAt), fromY + minimalLeanPx),
        class: `arrow ${arrow.kind}${variant}`,
        'marker-end': `url(#arrowhead-${this.#technique})`
      },
      arrow.title
    )
  }
}

/**
 * The six diagrams together, redrawn a few times a second from what the server
 * captured on this page's sockets; one button group picks the time window for
 * all of them, one button pauses them all.
 */
export class SequenceDiagrams {
  readonly #diagrams: Map<TechniqueName, SequenceDiagram>
  readonly #feed: CaptureFeed
  readonly #clock: ServerClock
  #windowMs: number = zooms[0].windowMs
  /** While paused: the moment and the items the diagrams were frozen at (the feed goes on forgetting). */
  #frozen: { now: number; items: Map<TechniqueName, CaptureItem[]> } | undefined

  constructor(container: Element, titles: Record<TechniqueName, string>, feed: CaptureFeed, clock: ServerClock) {
    this.#feed = feed
    this.#clock = clock
    this.#diagrams = new Map(
      (Object.keys(titles) as TechniqueName[]).map((name) => [name, new SequenceDiagram(name, titles[name])])
    )
    const pause = h('button', { type: 'button', class: 'pause', 'aria-pressed': 'false' }, 'Pause diagrams')
    const notCaptured = h('p', { class: 'not-captured', role: 'status', hidden: '' })
    feed.onChange(() => {
      const reason = feed.notCapturedReason
      if (notCaptured.hidden === (reason === undefined)) return
      notCaptured.hidden = reason === undefined
      notCaptured.textContent = reason ?? ''
    })
    pause.addEventListener('click', () => {
      this.#frozen = this.#frozen ? undefined : this.#snapshot()
      const paused = this.#frozen !== undefined
      pause.setAttribute('aria-pressed', String(paused))
      pause.textContent = paused ? 'Resume diagrams' : 'Pause diagrams'
    })
    const zoomButtons = zooms.map(({ windowMs, label }) => {
      const button = h(
        'button',
        { type: 'button', 'aria-pressed': String(windowMs === this.#windowMs), 'data-window-ms': String(windowMs) },
        label
      )
      button.addEventListener('click', () => {
        this.#windowMs = windowMs
        for (const other of zoomButtons) other.setAttribute('aria-pressed', String(other === button))
        this.#draw(true)
      })
      return button
    })
    container.append(
      h(
        'p',
        { class: 'how-measured' },
        'Time flows down to now. Each arrow ends when the server’s socket read or wrote those bytes; a zigzag marks a new TCP connection’s handshake (SYN, SYN-ACK, ACK), a dashed arrow a request on a reused kept-alive connection, a bar a request the server held. Where arrows would be closer than 4 px, a shaded band counts what they were, with a tick at the time each one left its lane. With a simulated round trip, arrows lean by the simulated delay: pick 2 s to see a 100 ms delay.'
      ),
      notCaptured,
      h(
        'div',
        { class: 'diagram-controls' },
        h(
          'div',
          { role: 'group', 'aria-label': 'time window of the diagrams', class: 'zoom' },
          h('span', {}, 'show the last'),
          ...zoomButtons
        ),
        pause
      ),
      h('div', { class: 'sequence-grid' }, ...[...this.#diagrams.values()].map((diagram) => diagram.element)),
      SequenceDiagrams.#markers([...this.#diagrams.keys()])
    )
    setInterval(() => this.#draw(), redrawEveryMs)
  }

  #snapshot(): { now: number; items: Map<TechniqueName, CaptureItem[]> } {
    return {
      now: browserNow() + this.#clock.offset,
      items: new Map([...this.#diagrams.keys()].map((name) => [name, this.#feed.items(name)]))
    }
  }

  /** Redraws every diagram; while paused only when asked to (a new zoom on the frozen moment). */
  #draw(evenIfPaused = false): void {
    if (this.#frozen && !evenIfPaused) return
    const now = this.#frozen?.now ?? browserNow() + this.#clock.offset
    for (const [name, diagram] of this.#diagrams)
      diagram.draw(
        this.#frozen?.items.get(name) ?? this.#feed.items(name),
        now,
        this.#windowMs,
        this.#feed.completeSince(name)
      )
  }

  /** Arrowheads in each technique's colour, defined once for all diagrams. */
  static #markers(names: TechniqueName[]): SVGSVGElement {
    const defs = svg('defs', {})
    for (const name of names) {
      const marker = svg('marker', {
        id: `arrowhead-${name}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerUnits: 'userSpaceOnUse',
        markerWidth: 11,
        markerHeight: 11,
        orient: 'auto-start-reverse',
        class: 'arrowhead'
      })
      paintAccent(marker, name)
      marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }))
      defs.append(marker)
    }
    const holder = svg('svg', { width: 0, height: 0, 'aria-hidden': 'true', class: 'markers' })
    holder.append(defs)
    return holder
  }
}
