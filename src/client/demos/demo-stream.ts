import { h } from '../platform/dom.ts'
import { duration, type StreamSeen } from './six-connections-text.ts'

/** "12 ms" that never breaks between the number and its unit. */
const unbroken = (ms: number) => duration(ms).replace(' ', '\u00a0')

/** One EventSource of the demo, timed from `new EventSource` to its `open` event. */
export class DemoStream {
  readonly row = h('li', { class: 'stream' })
  readonly seen: StreamSeen = { state: 'waiting', openedAfterMs: undefined, waitedMs: 0 }
  events = 0
  #source: EventSource
  #startedAt = performance.now()
  #number: number

  constructor(url: string, number: number) {
    this.#number = number
    this.#source = new EventSource(url)
    this.#source.addEventListener('open', () => {
      this.seen.openedAfterMs ??= performance.now() - this.#startedAt
      this.seen.state = 'open'
    })
    this.#source.addEventListener('message', () => this.events++)
    this.#source.addEventListener('error', () => {
      // CLOSED: refused (not a 200 event stream); CONNECTING: the browser is opening it again.
      if (this.#source.readyState === EventSource.CLOSED) this.#end()
      else this.seen.state = 'waiting'
    })
  }

  close(): void {
    this.#source.close()
    this.#end()
  }

  #end(): void {
    if (this.seen.state !== 'closed') this.seen.waitedMs = performance.now() - this.#startedAt
    this.seen.state = 'closed'
  }

  draw(): void {
    const { state, openedAfterMs } = this.seen
    if (state === 'waiting' && openedAfterMs === undefined) this.seen.waitedMs = performance.now() - this.#startedAt
    const text =
      state === 'open'
        ? `open after ${unbroken(openedAfterMs ?? 0)}`
        : state === 'waiting'
          ? openedAfterMs === undefined
            ? `waiting ${unbroken(this.seen.waitedMs)}…`
            : 'reconnecting…'
          : openedAfterMs === undefined
            ? `never opened: waited ${unbroken(this.seen.waitedMs)}`
            : `closed (had opened after ${unbroken(openedAfterMs)})`
    this.row.dataset.streamState = state
    this.row.dataset.waitedMs = String(Math.round(openedAfterMs ?? this.seen.waitedMs))
    this.row.replaceChildren(
      h('span', { class: 'stream-name' }, `stream ${this.#number}`),
      h('span', { class: 'stream-state' }, text),
      h('span', { class: 'stream-events' }, `${this.events} ${this.events === 1 ? 'event' : 'events'}`)
    )
  }
}
