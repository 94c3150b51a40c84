import { limits } from '../../shared/feed-event.ts'
import { browserNow, h } from '../platform/dom.ts'
import { pause, pull } from './pull.ts'
import type { ClientContext, ControlsView, Transport } from './transport.ts'

export interface PollingSettings {
  intervalMs: number
  /** Off: each poll asks the server to answer `Connection: close`, so every poll opens a new TCP connection. */
  keepalive: boolean
}

/** Interval polling: a `fetch` on a timer, whether or not anything happened. */
class PollingTransport implements Transport<PollingSettings> {
  readonly settings: PollingSettings = { intervalMs: 1000, keepalive: true }
  #context: ClientContext
  #after: number | undefined
  #running: AbortController | undefined
  #wake: (() => void) | undefined

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
    this.#running?.abort()
    this.#running = undefined
    this.#context.listener.state('closed')
  }

  /** Sets the interval, within the server's limits; a shorter one does not wait out the longer one already scheduled. */
  setInterval(ms: number): number {
    const wanted = Number.isFinite(ms) ? ms : 1000
    this.settings.intervalMs = Math.min(limits.pollIntervalMaxMs, Math.max(limits.pollIntervalMinMs, wanted))
    this.#wake?.()
    return this.settings.intervalMs
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { listener, clientId, io } = this.#context
    while (!signal.aborted) {
      const startedAt = browserNow()
      listener.state('waiting')
      try {
        const query = { client: clientId, after: this.#after, keepalive: this.settings.keepalive ? 1 : 0 }
        this.#after = await pull(io, 'polling', query, listener, signal)
        listener.state('idle', `next poll in ${this.settings.intervalMs} ms`)
      } catch (error) {
        if (signal.aborted) return
        listener.state('error', (error as Error).message)
      }
      // Sleep until the next tick, waking early if the interval changes.
      while (!signal.aborted) {
        const left = startedAt + this.settings.intervalMs - browserNow()
        if (left <= 0) break
        const woken = new AbortController()
        this.#wake = () => woken.abort()
        await pause(left, AbortSignal.any([signal, woken.signal]))
      }
    }
  }
}

export const create = (context: ClientContext): PollingTransport => new PollingTransport(context)

export function controls(transport: PollingTransport, into: HTMLElement): ControlsView {
  const { settings } = transport
  const interval = h('input', {
    type: 'number',
    name: 'interval',
    min: String(limits.pollIntervalMinMs),
    max: String(limits.pollIntervalMaxMs),
    step: '50',
    value: String(settings.intervalMs),
    inputmode: 'numeric'
  })
  const keepalive = h('input', { type: 'checkbox', name: 'keepalive', ...(settings.keepalive ? { checked: '' } : {}) })
  const apply = () => (interval.value = String(transport.setInterval(Number(interval.value))))
  interval.addEventListener('change', apply)
  interval.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') apply()
  })
  keepalive.addEventListener('change', () => (settings.keepalive = keepalive.checked))
  into.append(
    h('label', {}, 'every ', interval, ' ms'),
    h(
      'label',
      {},
      keepalive,
      ' keep-alive, HTTP/1.1 only (off: the server answers Connection: close, one TCP connection per poll; HTTP/2 has no Connection header)'
    )
  )
  return {}
}
