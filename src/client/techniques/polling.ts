import { limits } from '../../shared/feed-event.ts'
import { browserNow, h } from '../dom.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'
import { pause, pull } from './pull.ts'

/** Interval polling: a `fetch` on a timer, whether or not anything happened. */
class PollingClient implements TechniqueClient {
  #context: ClientContext
  #interval = h('input', {
    type: 'number',
    name: 'interval',
    min: String(limits.pollIntervalMinMs),
    max: String(limits.pollIntervalMaxMs),
    step: '50',
    value: '1000',
    inputmode: 'numeric'
  })
  #keepalive = h('input', { type: 'checkbox', name: 'keepalive', checked: '' })
  #after: number | undefined
  #running: AbortController | undefined
  #wake: (() => void) | undefined

  constructor(context: ClientContext) {
    this.#context = context
    const apply = () => this.#applyInterval()
    this.#interval.addEventListener('change', apply)
    this.#interval.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') apply()
    })
    context.controls.append(
      h('label', {}, 'every ', this.#interval, ' ms'),
      h(
        'label',
        {},
        this.#keepalive,
        ' keep-alive (off: the server answers Connection: close, one TCP connection per poll)'
      )
    )
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

  get #intervalMs(): number {
    return Number(this.#interval.value)
  }

  #applyInterval(): void {
    const wanted = Number(this.#interval.value)
    const ms = Number.isFinite(wanted) ? wanted : 1000
    this.#interval.value = String(Math.min(limits.pollIntervalMaxMs, Math.max(limits.pollIntervalMinMs, ms)))
    this.#wake?.() // a shorter interval should not wait out the longer one already scheduled
  }

  async #loop(signal: AbortSignal): Promise<void> {
    const { listener, clientId } = this.#context
    while (!signal.aborted) {
      const startedAt = browserNow()
      listener.state('waiting')
      try {
        const keepalive = this.#keepalive.checked ? 1 : 0
        this.#after = await pull('polling', { client: clientId, after: this.#after, keepalive }, listener, signal)
        listener.state('idle', `next poll in ${this.#intervalMs} ms`)
      } catch (error) {
        if (signal.aborted) return
        listener.state('error', (error as Error).message)
      }
      // Sleep until the next tick, waking early if the interval changes.
      while (!signal.aborted) {
        const left = startedAt + this.#intervalMs - browserNow()
        if (left <= 0) break
        const woken = new AbortController()
        this.#wake = () => woken.abort()
        await pause(left, AbortSignal.any([signal, woken.signal]))
      }
    }
  }
}

export const create: CreateClient = (context) => new PollingClient(context)
