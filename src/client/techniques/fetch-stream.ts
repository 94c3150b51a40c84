import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../platform/dom.ts'
import { type ClientContext, type ControlsView, instanceHeader, serverUrl, type Transport } from './transport.ts'

export interface FetchStreamSettings {
  /** After the stream ends or fails, ask again from our cursor after this long. */
  reconnectMs: number
}

/** One line of the stream: an event, or the server saying our cursor was too old. */
type StreamLine = FeedEvent | { reset: true; latest: number }

/**
 * A streaming `fetch`: one GET whose answer never ends, read piece by piece with the body's
 * `ReadableStream` reader, one JSON event per line (NDJSON), the way chat assistants stream
 * their answers today. Nothing reconnects for us (unlike EventSource), so when the answer
 * ends or breaks we ask again with `after=` the last id we saw.
 */
class FetchStreamTransport implements Transport<FetchStreamSettings> {
  readonly settings: FetchStreamSettings = { reconnectMs: 1_000 }
  #context: ClientContext
  #after: number | undefined
  #running: AbortController | undefined
  #retry: ReturnType<typeof setTimeout> | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
  }

  start(): void {
    this.stop()
    const running = new AbortController()
    this.#running = running
    void this.#read(running.signal)
  }

  stop(): void {
    clearTimeout(this.#retry)
    this.#running?.abort()
    this.#running = undefined
    this.#context.listener.state('closed')
  }

  async #read(signal: AbortSignal): Promise<void> {
    const { listener, clientId, io } = this.#context
    listener.state('connecting')
    try {
      const url = serverUrl(io, '/feed/fetch-stream', { client: clientId, after: this.#after })
      listener.asking?.(browserNow())
      const response = await io.fetch(url, { signal, cache: 'no-store' }).finally(() => listener.asking?.(undefined))
      if (!response.ok || !response.body) throw new Error(`the server answered ${response.status}`)
      const instance = response.headers.get(instanceHeader)
      if (instance) listener.servedBy?.(instance, browserNow())
      listener.state('open')
      // Bytes come in chunks that need not end on a line: keep the unfinished tail for the next chunk.
      const lines = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let pending = ''
      for (;;) {
        const { done, value } = await lines.read()
        if (done) break
        pending += value
        const complete = pending.split('\n')
        pending = complete.pop() ?? ''
        const receivedAt = browserNow()
        const events: FeedEvent[] = []
        for (const line of complete) {
          if (line.trim() === '') continue
          const parsed = JSON.parse(line) as StreamLine
          if ('reset' in parsed) listener.reset()
          else events.push(parsed)
        }
        const last = events.at(-1)
        if (last) {
          this.#after = last.id
          listener.received(events, receivedAt)
        }
      }
      listener.state('connecting', 'the stream ended; asking again from the last id')
    } catch (error) {
      if (signal.aborted) return
      listener.state('error', `${(error as Error).message}; asking again from the last id`)
    }
    if (!signal.aborted) this.#retry = setTimeout(() => this.start(), this.settings.reconnectMs)
  }
}

export const create = (context: ClientContext): FetchStreamTransport => new FetchStreamTransport(context)

export function controls(_transport: FetchStreamTransport, into: HTMLElement): ControlsView {
  into.append(h('span', {}, 'One fetch() whose body never ends. It resumes after the last id.'))
  return {}
}
