import type { TickerSettings } from '../shared/ticker-settings.ts'
import { presenterOnly, presenterRequest, presenterToken } from './presenter-token.ts'
import type { WireLive } from './wire-live.ts'

/**
 * The feed's rate and pause. They change the one feed every page shares, so they take the
 * presenter token, and what the page shows is always what the server last said (pushed on
 * `/wire/live` to every page, so a whole class sees the teacher's change at once).
 */
export class FeedControls {
  #rate = document.querySelector<HTMLInputElement>('#feed-rate')
  #pause = document.querySelector<HTMLButtonElement>('#feed-pause')
  #clientId: string
  #settings: TickerSettings | undefined

  constructor(clientId: string, live: WireLive) {
    this.#clientId = clientId
    const allowed = presenterToken() !== undefined
    for (const control of [this.#rate, this.#pause]) {
      if (!control) continue
      control.disabled = !allowed
      if (!allowed) control.title = presenterOnly
    }
    this.#rate?.addEventListener('change', () => void this.#change({ rate: Number(this.#rate?.value) }))
    this.#pause?.addEventListener('click', () => void this.#change({ paused: !this.#settings?.paused }))
    live.listen({ ticker: (settings) => this.#show(settings) })
  }

  async #change(change: Partial<TickerSettings>): Promise<void> {
    const response = await presenterRequest(`/feed/ticker?client=${this.#clientId}`, 'PUT', change)
    // Refused (a rate out of range, no token): show what the feed really does.
    if (!response.ok && this.#settings) this.#show(this.#settings)
  }

  #show(settings: TickerSettings): void {
    this.#settings = settings
    if (this.#rate && document.activeElement !== this.#rate) this.#rate.value = String(settings.rate)
    const rateShown = document.querySelector('#feed-rate-now')
    if (rateShown) rateShown.textContent = settings.paused ? 'paused' : `${settings.rate} events/s`
    if (this.#pause) {
      this.#pause.setAttribute('aria-pressed', String(settings.paused))
      this.#pause.textContent = settings.paused ? 'Resume feed' : 'Pause feed'
    }
  }
}
