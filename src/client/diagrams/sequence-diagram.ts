import type { CaptureItem } from '../../shared/capture.ts'
import type { TechniqueName } from '../../shared/techniques.ts'
import { h } from '../platform/dom.ts'
import { paintAccent, techniqueBadge } from '../platform/technique-look.ts'
import { itemsCapPerTechnique } from '../wire/capture-feed.ts'
import { captionOf, windowName } from './diagram-tally.ts'
import { type DiagramPlan, planWindow } from './diagram-window.ts'
import {
  aggregateBand,
  arrowLine,
  closeLine,
  handshakeZigzag,
  height,
  holdBar,
  laneFrame,
  plotHeight,
  plotTop,
  svg,
  width
} from './sequence-drawing.ts'

/**
 * One technique's last seconds as a sequence diagram: the browser's lane on the
 * left, the server's on the right, time flowing down to "now". Every arrow ends
 * at the moment the server's socket read or wrote those bytes; when a round trip
 * is simulated, arrows lean by the simulated one-way delay. Where arrows would
 * be too close to tell apart, one band counts what they were.
 */
export class SequenceDiagram {
  /** The figure: the technique's title, the diagram, and a caption counting what it shows. */
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

  /** Redraws the diagram for the window of `windowMs` ending at `now` (server clock, epoch ms). */
  draw(items: CaptureItem[], now: number, windowMs: number, completeSince: number | undefined): void {
    const plan = planWindow(items, { now, windowMs, heightPx: plotHeight, completeSince })
    const y = (at: number) => plotTop + ((at - plan.since) / windowMs) * plotHeight
    const clipId = `sequence-clip-${this.#technique}`
    const clip = svg('clipPath', { id: clipId })
    clip.append(svg('rect', { x: 0, y: plotTop, width, height: plotHeight }))
    const drawing = svg('g', { 'clip-path': `url(#${clipId})` })
    drawing.append(
      ...plan.holds.map((hold) => holdBar(hold, y)),
      ...plan.aggregates.map((aggregate) => aggregateBand(aggregate, y)),
      ...plan.handshakes.map((handshake) => handshakeZigzag(y(handshake.startAt), y(handshake.endAt))),
      ...plan.closes.map((at) => closeLine(at, y)),
      ...plan.arrows.map((arrow) => arrowLine(arrow, y, this.#technique))
    )
    this.#svg.replaceChildren(...laneFrame(windowMs), clip, drawing)
    this.#svg.setAttribute('aria-label', `${this.#title}: the ${windowName(windowMs)} on the wire`)
    this.#describe(plan)
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
}
