import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../dom.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'

/** After a refusal (503 overloaded, 429) EventSource gives up for good; we try again after this. */
const retryAfterRefusalMs = 5_000

/**
 * Server-Sent Events: the browser's EventSource keeps one response open and
 * parses each `id:`/`data:` block. After a drop it reconnects by itself and
 * sends the last id it saw as `Last-Event-ID`, so nothing is missed.
 */
class SseClient implements TechniqueClient {
  #context: ClientContext
  #source: EventSource | undefined
  #after: number | undefined
  #retry: ReturnType<typeof setTimeout> | undefined

  constructor(context: ClientContext) {
    this.#context = context
    context.controls.append(h('span', {}, 'One EventSource. Switch it off and on: it resumes after the last id.'))
  }

  start(): void {
    const { listener, clientId } = this.#context
    this.#source?.close()
    clearTimeout(this.#retry)
    const after = this.#after === undefined ? '' : `&after=${this.#after}`
    const source = new EventSource(`/feed/sse?client=${clientId}${after}`)
    this.#source = source
    listener.state('connecting')
    source.addEventListener('open', () => listener.state('open'))
    source.addEventListener('message', (message) => {
      const event = JSON.parse(message.data) as FeedEvent
      this.#after = event.id
      listener.received([event], browserNow())
    })
    source.addEventListener('reset', () => listener.reset())
    source.addEventListener('error', () => {
      // CONNECTING: the browser is already retrying on its own; CLOSED: it gave up (an answer that was not
      // 200 text/event-stream), so we open a new one later, from our own cursor.
      if (source.readyState !== EventSource.CLOSED)
        return listener.state('connecting', 'reconnecting with Last-Event-ID')
      listener.state('error', `the server refused the stream; trying again in ${retryAfterRefusalMs / 1000} s`)
      this.#retry = setTimeout(() => this.start(), retryAfterRefusalMs)
    })
  }

  stop(): void {
    clearTimeout(this.#retry)
    this.#source?.close()
    this.#source = undefined
    this.#context.listener.state('closed')
  }
}

export const create: CreateClient = (context) => new SseClient(context)
