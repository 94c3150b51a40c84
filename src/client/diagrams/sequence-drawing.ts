import type { TechniqueName } from '../../shared/techniques.ts'
import { svgElement } from '../platform/dom.ts'
import { paintAccent } from '../platform/technique-look.ts'
import type { Aggregate } from './diagram-aggregates.ts'
import type { PlannedArrow, PlannedHold } from './diagram-arrows.ts'

// The SVG pieces of a sequence diagram, each drawn from its part of a plan on the diagram's geometry.

/** The diagram's width, in its viewBox's pixels. */
export const width = 360
/** Where the plotted window begins, below the lanes' names. */
export const plotTop = 34
/** Height the window is drawn over. */
export const plotHeight = 320
/** The diagram's height: the plot, with room above for the lanes' names and below for the axis. */
export const height = plotTop + plotHeight + 22
const clientX = 64
const serverX = width - 46
/** Arrows lean by at least this many pixels, so one with no simulated delay still reads as a trip. */
const minimalLeanPx = 3
/** A handshake's zigzag is at least this tall, so its three steps show even without a simulated delay. */
const minimalHandshakePx = 9
const textLinePx = 16
const charsPerLine = 28

/** Where a time (server clock, epoch ms) falls in the plot. */
export type TimeToY = (at: number) => number

/** An SVG element with, when given, a tooltip (its `<title>`). */
export function svg<K extends keyof SVGElementTagNameMap>(
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

/** Lanes, their names, and the time axis from the window's start down to now. */
export function laneFrame(windowMs: number): SVGElement[] {
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

/** A bar on the server's lane for as long as it held a request. */
export function holdBar(hold: PlannedHold, y: TimeToY): SVGElement {
  return svg(
    'rect',
    { x: serverX - 5, y: y(hold.fromAt), width: 10, height: y(hold.toAt) - y(hold.fromAt), class: 'held' },
    `held ${Math.round(hold.toAt - hold.fromAt)} ms`
  )
}

/** A line across both lanes where a connection closed. */
export function closeLine(at: number, y: TimeToY): SVGElement {
  return svg('line', { x1: clientX, y1: y(at), x2: serverX, y2: y(at), class: 'closed' }, 'connection closed')
}

/** Traffic too dense for arrows: one band, bracketed, that says what it holds. */
export function aggregateBand(aggregate: Aggregate, y: TimeToY): SVGElement {
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
export function handshakeZigzag(startY: number, endY: number): SVGElement {
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

/** One arrow between the lanes, tipped with its technique's arrowhead (see `arrowheadMarkers`). */
export function arrowLine(arrow: PlannedArrow, y: TimeToY, technique: TechniqueName): SVGElement {
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
      'marker-end': `url(#arrowhead-${technique})`
    },
    arrow.title
  )
}

/** Arrowheads in each technique's colour, defined once for all diagrams. */
export function arrowheadMarkers(names: TechniqueName[]): SVGSVGElement {
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
