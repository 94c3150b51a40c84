import type { CaptureItem } from '../shared/capture.ts'
import type { TechniqueName } from '../shared/techniques.ts'
import type { CaptureFeed } from './capture-feed.ts'
import { browserNow, h } from './dom.ts'
import type { ServerClock } from './server-clock.ts'
import './sequence-diagram.css'

const windowMs = 20_000
const redrawEveryMs = 250
const width = 260
const height = 360
const top = 28
const clientX = 50
const serverX = width - 50
/** Arrows lean by at least this many pixels, so one with no simulated delay still reads as a trip. */
const minimalLeanPx = 3
/** Most items drawn per diagram (a fast feed would draw thousands). */
const itemsDrawn = 300

const svgNamespace = 'http://www.w3.org/2000/svg'

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
  title?: string
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNamespace, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  if (title) {
    const tooltip = document.createElementNS(svgNamespace, 'title')
    tooltip.textContent = title
    element.append(tooltip)
  }
  return element
}

function svgText(x: number, y: number, text: string, className: string): SVGTextElement {
  const element = svg('text', { x, y, class: className })
  element.textContent = text
  return element
}

/** What an arrow stands for, drawn with its own style. */
type ArrowKind = 'request' | 'response' | 'push' | 'frame-in' | 'handshake'

/**
 * One technique's last 20 seconds as a sequence diagram: the browser's lane on
 * the left, the server's on the right, time flowing down. Every arrow ends at
 * the moment the server's socket read or wrote those bytes; when a round trip is
 * simulated, arrows lean by the simulated one-way delay.
 */
class SequenceDiagram {
  readonly element: HTMLElement
  readonly #technique: TechniqueName
  readonly #svg: SVGSVGElement
  readonly #caption = h('figcaption', {})

  constructor(technique: TechniqueName, title: string) {
    this.#technique = technique
    this.#svg = svg('svg', {
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': `${title}: the last 20 seconds on the wire`
    })
    this.element = h(
      'figure',
      { class: 'sequence', 'data-technique': technique },
      h('h3', {}, title),
      this.#svg,
      this.#caption
    )
  }

  draw(items: CaptureItem[], now: number): void {
    const since = now - windowMs
    const y = (at: number) => top + ((at - since) / windowMs) * (height - top - 4)
    const shown = items.filter((item) => item.at >= since - 1000).slice(-itemsDrawn)
    const parts: SVGElement[] = [
      svgText(clientX, 14, 'browser', 'lane-name'),
      svgText(serverX, 14, 'server', 'lane-name'),
      svg('line', { x1: clientX, y1: top, x2: clientX, y2: height, class: 'lane' }),
      svg('line', { x1: serverX, y1: top, x2: serverX, y2: height, class: 'lane' })
    ]
    const counts = { handshakes: 0, requests: 0, pushes: 0, framesIn: 0 }
    // When each request reached the server, per connection, to draw how long it was held.
    const arrived = new Map<number, number>()

    for (const item of shown) {
      const oneWay = item.simulatedRttMs / 2
      switch (item.kind) {
        case 'request': {
          let sentAt = item.at
          if (item.newConnection) {
            counts.handshakes++
            parts.push(...this.#handshake(y(item.at), Math.max(9, y(item.at + item.simulatedRttMs) - y(item.at))))
            sentAt = item.at + item.simulatedRttMs
          }
          counts.requests++
          arrived.set(item.connection, sentAt + oneWay)
          parts.push(
            this.#arrow('request', y(item.at), y(sentAt + oneWay), item.newConnection ? 'fresh' : 'reused', {
              from: clientX,
              title: `${item.head.split('\r\n')[0]} (${item.newConnection ? 'new connection' : 'reused connection'} #${item.connection})`
            })
          )
          break
        }
        case 'response': {
          const leftAt = item.at - oneWay
          const reachedAt = arrived.get(item.connection)
          if (reachedAt !== undefined && leftAt - reachedAt > 150)
            parts.push(
              svg(
                'rect',
                { x: serverX - 4, y: y(reachedAt), width: 8, height: y(leftAt) - y(reachedAt), class: 'held' },
                `held ${Math.round(leftAt - reachedAt)} ms`
              )
            )
          parts.push(
            this.#arrow('response', y(leftAt), y(item.at), '', {
              from: serverX,
              title: item.head.split('\r\n')[0] ?? ''
            })
          )
          break
        }
        case 'stream':
        case 'frame': {
          const inbound = item.kind === 'frame' && item.direction === 'in'
          if (inbound) counts.framesIn++
          else counts.pushes++
          const label = item.kind === 'frame' ? `${item.opcodeName} frame: ${item.payload}` : item.text
          parts.push(
            inbound
              ? this.#arrow('frame-in', y(item.at), y(item.at + oneWay), '', { from: clientX, title: label })
              : this.#arrow('push', y(item.at - oneWay), y(item.at), '', { from: serverX, title: label })
          )
          break
        }
        case 'closed':
          parts.push(
            svg(
              'line',
              { x1: clientX, y1: y(item.at), x2: serverX, y2: y(item.at), class: 'closed' },
              'connection closed'
            )
          )
          break
      }
    }
    this.#svg.replaceChildren(...parts)
    this.element.dataset.handshakes = String(counts.handshakes)
    this.element.dataset.requests = String(counts.requests)
    this.element.dataset.pushes = String(counts.pushes)
    this.#caption.textContent = `last 20 s: ${counts.handshakes} TCP handshakes, ${counts.requests} requests, ${counts.pushes} pushed, ${counts.framesIn} frames from the browser`
  }

  /** SYN, SYN-ACK, ACK, drawn as one marked step. */
  #handshake(startY: number, span: number): SVGElement[] {
    const step = span / 3
    const group = svg('g', { class: 'handshake' }, 'TCP 3-way handshake: SYN, SYN-ACK, ACK')
    group.append(
      svg('polyline', {
        points: `${clientX},${startY} ${serverX},${startY + step} ${clientX},${startY + 2 * step} ${serverX},${startY + 3 * step}`
      }),
      svgText((clientX + serverX) / 2, startY - 2, 'SYN · SYN-ACK · ACK', 'handshake-label')
    )
    return [group]
  }

  #arrow(
    kind: ArrowKind,
    fromY: number,
    toY: number,
    variant: string,
    { from, title }: { from: number; title: string }
  ): SVGElement {
    const to = from === clientX ? serverX : clientX
    const endY = Math.max(toY, fromY + minimalLeanPx)
    return svg(
      'line',
      {
        x1: from,
        y1: fromY,
        x2: to,
        y2: endY,
        class: `arrow ${kind} ${variant}`.trim(),
        'marker-end': `url(#arrowhead-${this.#technique})`
      },
      title
    )
  }
}

/**
 * The six diagrams together, redrawn a few times a second from what the server
 * captured on this page's sockets; one button pauses them all.
 */
export class SequenceDiagrams {
  readonly #diagrams: Map<TechniqueName, SequenceDiagram>
  readonly #feed: CaptureFeed
  readonly #clock: ServerClock
  #paused = false

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
      this.#paused = !this.#paused
      pause.setAttribute('aria-pressed', String(this.#paused))
      pause.textContent = this.#paused ? 'Resume diagrams' : 'Pause diagrams'
    })
    container.append(
      h(
        'p',
        { class: 'how-measured' },
        'Time flows down. Each arrow ends when the server’s socket read or wrote those bytes; a zigzag marks a new TCP connection’s handshake (SYN, SYN-ACK, ACK), a dashed arrow a request on a reused kept-alive connection, a bar a request the server held. With a simulated round trip, arrows lean by the simulated delay.'
      ),
      notCaptured,
      pause,
      h('div', { class: 'sequence-grid' }, ...[...this.#diagrams.values()].map((diagram) => diagram.element)),
      SequenceDiagrams.#markers([...this.#diagrams.keys()])
    )
    setInterval(() => this.#draw(), redrawEveryMs)
  }

  #draw(): void {
    if (this.#paused) return
    const now = browserNow() + this.#clock.offset
    for (const [name, diagram] of this.#diagrams) diagram.draw(this.#feed.items(name), now)
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
        markerWidth: 6,
        markerHeight: 6,
        orient: 'auto-start-reverse',
        class: `arrowhead ${name}`
      })
      marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }))
      defs.append(marker)
    }
    const holder = svg('svg', { width: 0, height: 0, 'aria-hidden': 'true', class: 'markers' })
    holder.append(defs)
    return holder
  }
}
