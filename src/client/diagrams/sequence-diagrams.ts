import type { CaptureItem } from '../../shared/capture.ts'
import type { TechniqueName } from '../../shared/techniques.ts'
import { browserNow, h } from '../platform/dom.ts'
import type { ServerClock } from '../platform/server-clock.ts'
import type { CaptureFeed } from '../wire/capture-feed.ts'
import { SequenceDiagram } from './sequence-diagram.ts'
import { arrowheadMarkers } from './sequence-drawing.ts'
import './sequence-diagram.css'

/** The windows the zoom offers: all of the last 20 s, or the last 2 s where 100 ms is 20 px. */
const zooms = [
  { windowMs: 20_000, label: '20 s' },
  { windowMs: 2_000, label: '2 s' }
] as const
const redrawEveryMs = 250

/**
 * A diagram per technique, together, redrawn a few times a second from what the server
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
      arrowheadMarkers([...this.#diagrams.keys()])
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
}
