import type { MarkShape } from '../../shared/techniques.ts'
import { traceShape } from '../platform/mark-shapes.ts'

/** What one track draws: times are browser clock, epoch ms. */
export interface TrackMarks {
  /** Events as they reached the page: when published and when received. */
  deliveries: readonly { id: number; publishedAt: number; receivedAt: number }[]
  /** Answers that carried no event. */
  emptyAnswers: readonly number[]
  /** Requests that came on a new TCP connection (each one a 3-way handshake). */
  newConnections: readonly number[]
  /** Answers served by another instance than the answer before (several instances behind a balancer). */
  hops: readonly { at: number; instance: string }[]
  /** The instance that served the latest answer or connection, when an answer named one. */
  instance?: string
}

/** The colours a track is drawn in, read from the page's CSS (light or dark). */
export interface TrackColours {
  accent: string
  outline: string
  text: string
  muted: string
  line: string
}

/** Grid lines every this many ms. */
const gridEveryMs = 5_000
/** Events that arrived together (one answer) are stacked this far apart, as a share of the lane's height. */
const stackStep = 0.17
/** The largest mark, in ems of the track's text: 9 px on a 16 px page, and larger where the text is (a projected demo). */
const markMaxEm = 0.5625

/**
 * One lane of the race view: a canvas whose x axis is the last `windowMs` of time, "now" at the
 * right. A delivered event is a mark where it arrived, with a line back to where the feed
 * published it, so the line's length IS the latency; an empty answer is a ring, a new TCP
 * connection a dashed line across the lane. The feed's own row draws only its publications.
 */
export class RaceTrack {
  readonly canvas: HTMLCanvasElement
  #context: CanvasRenderingContext2D | null
  #width = 0
  #height = 0
  /** The track's font size in px, which the marks and the "off" label follow. */
  #em = 16

  constructor(label: string) {
    this.canvas = document.createElement('canvas')
    this.canvas.className = 'race-track'
    this.canvas.setAttribute('role', 'img')
    this.canvas.setAttribute('aria-label', label)
    this.#context = this.canvas.getContext('2d')
  }

  /** Matches the canvas's pixels to its size on screen (sharp on high-density screens). */
  resize(): void {
    const { width, height } = this.canvas.getBoundingClientRect()
    const scale = window.devicePixelRatio || 1
    this.#width = width
    this.#height = height
    this.#em = Number.parseFloat(getComputedStyle(this.canvas).fontSize) || 16
    this.canvas.width = Math.round(width * scale)
    this.canvas.height = Math.round(height * scale)
    this.#context?.setTransform(scale, 0, 0, scale, 0, 0)
  }

  /** Draws the feed's publications: one upright tick each. */
  drawFeed(published: readonly number[], now: number, windowMs: number, colours: TrackColours): void {
    const context = this.#begin(now, windowMs, colours)
    if (!context) return
    context.strokeStyle = colours.text
    context.lineWidth = 2
    context.beginPath()
    for (const at of published) {
      const x = this.#x(at, now, windowMs)
      if (x < 0) continue
      context.moveTo(x, this.#height * 0.2)
      context.lineTo(x, this.#height * 0.8)
    }
    context.stroke()
  }

  /** Draws one technique's lane. `off` greys it out with that word. */
  drawLane(
    marks: TrackMarks,
    shape: MarkShape,
    now: number,
    windowMs: number,
    colours: TrackColours,
    off?: string
  ): void {
    const context = this.#begin(now, windowMs, colours)
    if (!context) return
    const height = this.#height
    const size = Math.max(4, Math.min(this.#em * markMaxEm, height / 9))

    context.strokeStyle = colours.muted
    context.lineWidth = 1.5
    context.setLineDash([3, 3])
    context.beginPath()
    for (const at of marks.newConnections) {
      const x = this.#x(at, now, windowMs)
      context.moveTo(x, 2)
      context.lineTo(x, height - 2)
    }
    context.stroke()
    context.setLineDash([])

    const ys = stackedRows(marks.deliveries, height)
    context.strokeStyle = colours.accent
    context.globalAlpha = 0.55
    context.lineWidth = 2
    context.beginPath()
    marks.deliveries.forEach((delivery, index) => {
      const y = ys[index] ?? height / 2
      context.moveTo(Math.max(0, this.#x(delivery.publishedAt, now, windowMs)), y)
      context.lineTo(this.#x(delivery.receivedAt, now, windowMs), y)
    })
    context.stroke()
    context.globalAlpha = 1

    context.fillStyle = colours.accent
    context.strokeStyle = colours.outline
    context.lineWidth = 1
    marks.deliveries.forEach((delivery, index) => {
      context.beginPath()
      traceShape(context, shape, this.#x(delivery.receivedAt, now, windowMs), ys[index] ?? height / 2, size)
      context.fill()
      context.stroke()
    })

    context.strokeStyle = colours.accent
    context.lineWidth = 2
    for (const at of marks.emptyAnswers) {
      context.beginPath()
      context.arc(this.#x(at, now, windowMs), height * 0.5, size * 0.75, 0, 2 * Math.PI)
      context.stroke()
    }

    // A hop: from here on another instance answers. A tick and its name at the lane's top.
    context.strokeStyle = colours.text
    context.fillStyle = colours.text
    context.lineWidth = 1.5
    context.font = `700 ${Math.round(Math.min(this.#em * 0.75, height / 3.5))}px system-ui, sans-serif`
    context.textBaseline = 'top'
    // Polls behind round robin hop on every answer: a name only where there is room for it, the line always.
    const labelRoom = this.#em * 2.5
    const nameAt = marks.instance && !off ? this.#width - labelRoom : Number.POSITIVE_INFINITY
    let lastLabel = Number.NEGATIVE_INFINITY
    context.globalAlpha = 0.7
    for (const { at, instance } of marks.hops) {
      const x = this.#x(at, now, windowMs)
      // A tick at the top only: at 10 answers a second full-height lines would hide the marks.
      context.beginPath()
      context.moveTo(x, 0)
      context.lineTo(x, height * 0.3)
      context.stroke()
      if (x - lastLabel < labelRoom || x > nameAt - labelRoom / 2) continue
      context.fillText(`→${instance}`, x + 2, 1)
      lastLabel = x
    }
    context.globalAlpha = 1
    if (marks.instance && !off) {
      context.textAlign = 'right'
      context.fillText(`on ${marks.instance}`, this.#width - 2, 1)
      context.textAlign = 'left'
    }

    if (off) {
      context.fillStyle = colours.muted
      context.font = `${Math.round(Math.min(this.#em * 1.125, height / 3))}px system-ui, sans-serif`
      context.textBaseline = 'middle'
      context.fillText(off, 8, height / 2)
    }
  }

  /** Clears the canvas and draws the time grid; undefined when there is nothing to draw on. */
  #begin(now: number, windowMs: number, colours: TrackColours): CanvasRenderingContext2D | undefined {
    const context = this.#context
    if (!context || this.#width === 0) return undefined
    context.clearRect(0, 0, this.#width, this.#height)
    context.strokeStyle = colours.line
    context.lineWidth = 1
    context.beginPath()
    for (let ago = 0; ago <= windowMs; ago += gridEveryMs) {
      const x = Math.round(this.#x(now - ago, now, windowMs)) - 0.5
      context.moveTo(x, 0)
      context.lineTo(x, this.#height)
    }
    context.stroke()
    return context
  }

  #x(at: number, now: number, windowMs: number): number {
    return this.#width * (1 - (now - at) / windowMs)
  }
}

/**
 * The height of each delivery's mark: on the lane's middle, except that events which arrived
 * together (the same answer, so the same arrival time) stand in a column, oldest at the bottom,
 * so a poll that brought five events shows five marks instead of one.
 */
function stackedRows(deliveries: TrackMarks['deliveries'], height: number): number[] {
  const ys: number[] = []
  let start = 0
  while (start < deliveries.length) {
    let end = start
    while (end + 1 < deliveries.length && deliveries[end + 1]?.receivedAt === deliveries[start]?.receivedAt) end++
    const count = end - start + 1
    const step = Math.min(height * stackStep, (height * 0.8) / count)
    for (let index = 0; index < count; index++) ys.push(height / 2 + ((count - 1) / 2 - index) * step)
    start = end + 1
  }
  return ys
}
