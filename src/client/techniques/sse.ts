import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../platform/dom.ts'
import { type ClientContext, type ControlsView, serverUrl, type Transport } from './transport.ts'

export interface SseSettings {
  /** After a refusal (503 overloaded, 429) EventSource gives up for good; we open a new one after this long. */
  retryAfterRefusalMs: number
}

/**
 * Server-Sent Events: the browser's EventSource keeps one response open and
 * parses each `id:`/`data:` block. After a drop it reconnects by itself and
 * sends the last id it saw as `Last-Event-ID`, so nothing is missed.
 */
class SseTransport implements Transport<SseSettings> {
  readonly settings: SseSettings = { retryAfterRefusalMs: 5_000 }
  #context: ClientContext
  #source: EventSource | undefined
  #after: number | undefined
  #retry: ReturnType<typeof setTimeout> | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
  }

  start(): void {
    const { listener, clientId, io } = this.#context
    this.#source?.close()
    clearTimeout(this.#retry)
    const source = new io.EventSource(serverUrl(io, '/feed/sse', { client: clientId, after: this.#after }))
    this.#source = source
    listener.state('connecting')
    listener.asking?.(browserNow())
    source.addEventListener('open', () => {
      listener.asking?.(undefined)
      listener.state('open')
    })
    source.addEventListener('message', (message) => {
      const event = JSON.parse(message.data) as FeedEvent
      this.#after = event.id
      listener.received([event], browserNow())
    })
    source.addEventListener('reset', () => listener.reset())
    // With several instances, the first block names the one this stream is on (EventSource shows no headers).
    source.addEventListener('instance', (message) => listener.servedBy?.(message.data, browserNow()))
    source.addEventListener('error', () => {
      listener.asking?.(undefined)
      // CONNECTING: EventSource is already retrying on its own; CLOSED: it gave up (an answer that was not
      // 200 text/event-stream), so we open a new one later, from our own cursor.
      if (source.readyState !== source.CLOSED) return listener.state('connecting', 'reconnecting with Last-Event-ID')
      const seconds = this.settings.retryAfterRefusalMs / 1000
      listener.state('error', `the server refused the stream; trying again in ${seconds} s`)
      this.#retry = setTimeout(() => this.start(), this.settings.retryAfterRefusalMs)
    })
  }

  stop(): void {
    clearTimeout(this.#retry)
    this.#source?.close()
    this.#source = undefined
    this.#context.listener.state('closed')
  }
}

export const create = (context: ClientContext): SseTransport => new SseTransport(context)

export function controls(_transport: SseTransport, into: HTMLElement): ControlsView {
  into.append(h('span', {}, 'One EventSource. Switch it off and on: it resumes after the last id.'))
  return {}
}
