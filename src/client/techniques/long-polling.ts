import { limits } from '../../shared/feed-event.ts'
import { h } from '../platform/dom.ts'
import { pause, pull } from './pull.ts'
import type { ClientContext, ControlsView, Transport } from './transport.ts'

export interface LongPollingSettings {
  /** How long the server may hold each request before answering 204. */
  timeoutMs: number
  /** After a failed request, ask again after this long. */
  retryMs: number
}

/** Long polling: ask, let the server hold the request until there is news, then ask again at once. */
class LongPollingTransport implements Transport<LongPollingSettings> {
  readonly settings: LongPollingSettings = { timeoutMs: limits.longPollDefaultMs, retryMs: 2_000 }
  #context: ClientContext
  #after: number | undefined
  #running: AbortController | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
  }

  start(): void {
    this.#running?.abort()
    this.#running = new AbortController()
    void this.#loop(this.#running.signal)
  }

  stop(): void {
    // Aborting a fetch closes its connection: that is how HTTP/1.1 cancels a request the server is holding.
    this.#running?.abort()
    this.#running = undefined
    this.#context.listener.state('closed')
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { listener, clientId, io } = this.#context
    while (!signal.aborted) {
      listener.state('waiting', 'the server holds the request until there is news')
      try {
        const query = { client: clientId, after: this.#after, timeout: this.settings.timeoutMs }
        this.#after = await pull(io, 'long-polling', query, listener, signal)
      } catch (error) {
        if (signal.aborted) return
        listener.state('error', `${(error as Error).message}; retrying`)
        await pause(this.settings.retryMs, signal)
      }
    }
  }
}

export const create = (context: ClientContext): LongPollingTransport => new LongPollingTransport(context)

export function controls(transport: LongPollingTransport, into: HTMLElement): ControlsView {
  const timeout = h('input', {
    type: 'number',
    name: 'timeout',
    min: '1000',
    max: String(limits.longPollMaxMs),
    step: '1000',
    value: String(transport.settings.timeoutMs),
    inputmode: 'numeric'
  })
  timeout.addEventListener('change', () => {
    const ms = Number(timeout.value)
    transport.settings.timeoutMs = Math.min(limits.longPollMaxMs, Math.max(1000, Number.isFinite(ms) ? ms : 0))
    timeout.value = String(transport.settings.timeoutMs)
  })
  into.append(h('label', {}, 'server holds each request up to ', timeout, ' ms, then 204'))
  return {}
}
