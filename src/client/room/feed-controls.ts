import {
  describeTicker,
  isTickerPattern,
  type TickerSettings,
  tickerPatternLabels,
  tickerPatterns
} from '../../shared/ticker-settings.ts'
import { ask } from '../platform/ask.ts'
import { h } from '../platform/dom.ts'
import { presenterOnly, presenterRequest, presenterToken } from '../platform/presenter-token.ts'
import type { WireLive } from '../platform/wire-live.ts'

/**
 * The feed's rate, arrival pattern and pause. They change the one feed every page shares, so
 * they take the presenter token, and what the page shows is always what the server last said
 * (pushed on `/wire/live` to every page, so a whole class sees the teacher's change at once).
 */
export class FeedControls {
  #rate = document.querySelector<HTMLInputElement>('#feed-rate')
  #pattern = document.querySelector<HTMLSelectElement>('#feed-pattern')
  #pause = document.querySelector<HTMLButtonElement>('#feed-pause')
  /** Why the last change did not take, beside the controls that asked for it. */
  #said = h('output', { class: 'refusal', role: 'alert' })
  #clientId: string
  #settings: TickerSettings | undefined

  constructor(clientId: string, live: WireLive) {
    this.#clientId = clientId
    // The choices come from the shared list, so every page offers the patterns the server accepts.
    this.#pattern?.replaceChildren(
      ...tickerPatterns.map((pattern) => h('option', { value: pattern }, tickerPatternLabels[pattern]))
    )
    this.#pause?.after(this.#said)
    const allowed = presenterToken() !== undefined
    for (const control of [this.#rate, this.#pattern, this.#pause]) {
      if (!control) continue
      control.disabled = !allowed
      if (!allowed) control.title = presenterOnly
    }
    this.#rate?.addEventListener('change', () => void this.#change({ rate: Number(this.#rate?.value) }))
    this.#pattern?.addEventListener('change', () => {
      const pattern = this.#pattern?.value
      if (isTickerPattern(pattern)) void this.#change({ pattern })
    })
    this.#pause?.addEventListener('click', () => void this.#change({ paused: !this.#settings?.paused }))
    live.listen({ ticker: (settings) => this.#show(settings) })
  }

  async #change(change: Partial<TickerSettings>): Promise<void> {
    const asked = await ask(() => presenterRequest(`/feed/ticker?client=${this.#clientId}`, 'PUT', change))
    this.#said.textContent = asked.ok ? '' : `Not changed: ${asked.why}.`
    // Refused (a rate out of range, no token) or never sent: show what the feed really does.
    if (!asked.ok && this.#settings) this.#show(this.#settings)
  }

  #show(settings: TickerSettings): void {
    this.#settings = settings
    if (this.#rate && document.activeElement !== this.#rate) this.#rate.value = String(settings.rate)
    if (this.#pattern) this.#pattern.value = settings.pattern
    const rateShown = document.querySelector('#feed-rate-now')
    if (rateShown) rateShown.textContent = describeTicker(settings)
    if (this.#pause) {
      this.#pause.setAttribute('aria-pressed', String(settings.paused))
      this.#pause.textContent = settings.paused ? 'Resume feed' : 'Pause feed'
    }
  }
}
