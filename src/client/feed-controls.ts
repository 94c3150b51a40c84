import type { TickerSettings } from '../shared/ticker-settings.ts'

/**
 * The feed's rate and pause. They change the one feed every page shares, so
 * what the page shows is always what the server says after the change.
 */
export class FeedControls {
  #rate = document.querySelector<HTMLInputElement>('#feed-rate')
  #pause = document.querySelector<HTMLButtonElement>('#feed-pause')
  #clientId: string

  constructor(clientId: string) {
    this.#clientId = clientId
    this.#rate?.addEventListener('change', () => void this.#change({ rate: Number(this.#rate?.value) }))
    this.#pause?.addEventListener('click', () => {
      void this.#change({ paused: this.#pause?.getAttribute('aria-pressed') !== 'true' })
    })
  }

  async load(): Promise<void> {
    const response = await fetch(`/feed/ticker?client=${this.#clientId}`, { cache: 'no-store' })
    if (response.ok) this.#show((await response.json()) as TickerSettings)
  }

  async #change(change: Partial<TickerSettings>): Promise<void> {
    const response = await fetch(`/feed/ticker?client=${this.#clientId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(change)
    })
    if (response.ok) this.#show((await response.json()) as TickerSettings)
    else await this.load() // refused (e.g. a rate out of range): show what the feed really does
  }

  #show(settings: TickerSettings): void {
    if (this.#rate) this.#rate.value = String(settings.rate)
    if (this.#pause) {
      this.#pause.setAttribute('aria-pressed', String(settings.paused))
      this.#pause.textContent = settings.paused ? 'Resume feed' : 'Pause feed'
    }
  }
}
