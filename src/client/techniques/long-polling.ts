import { limits } from '../../shared/feed-event.ts'
import { h } from '../dom.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'
import { pause, pull } from './pull.ts'

const retryAfterErrorMs = 2_000

/** Long polling: ask, let the server hold the request until there is news, then ask again at once. */
class LongPollingClient implements TechniqueClient {
  #context: ClientContext
  #timeout = h('input', {
    type: 'number',
    name: 'timeout',
    min: '1000',
    max: String(limits.longPollMaxMs),
    step: '1000',
    value: String(limits.longPollDefaultMs),
    inputmode: 'numeric'
  })
  #after: number | undefined
  #running: AbortController | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#timeout.addEventListener('change', () => {
      const ms = Number(this.#timeout.value)
      this.#timeout.value = String(Math.min(limits.longPollMaxMs, Math.max(1000, Number.isFinite(ms) ? ms : 0)))
    })
    context.controls.append(h('label', {}, 'server holds each request up to ', this.#timeout, ' ms, then 204'))
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
    const { listener, clientId } = this.#context
    while (!signal.aborted) {
      listener.state('waiting', 'the server holds the request until there is news')
      try {
        const query = { client: clientId, after: this.#after, timeout: Number(this.#timeout.value) }
        this.#after = await pull('long-polling', query, listener, signal)
      } catch (error) {
        if (signal.aborted) return
        listener.state('error', `${(error as Error).message}; retrying`)
        await pause(retryAfterErrorMs, signal)
      }
    }
  }
}

export const create: CreateClient = (context) => new LongPollingClient(context)
