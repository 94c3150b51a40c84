const storageKey = 'wirewatch-console-timer'

interface TimerState {
  /** Epoch ms the running timer counts from (shifted by pauses); undefined while paused. */
  since?: number
  /** Elapsed ms when paused. */
  elapsed: number
}

/** Minutes and seconds (`12:05`), hours when there are (`1:02:05`). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const seconds = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`
}

/**
 * The class's timer on the console: time elapsed since the console opened (kept across a
 * reload of it), which the teacher can pause and reset; and the time of day beside it.
 */
export class PresenterTimer {
  #state: TimerState
  #elapsed: HTMLElement
  #pause: HTMLButtonElement
  #now: HTMLElement

  constructor(elapsed: HTMLElement, pause: HTMLButtonElement, reset: HTMLButtonElement, now: HTMLElement) {
    this.#elapsed = elapsed
    this.#pause = pause
    this.#now = now
    const kept = sessionStorage.getItem(storageKey)
    this.#state = kept ? (JSON.parse(kept) as TimerState) : { since: Date.now(), elapsed: 0 }
    pause.addEventListener('click', () => this.#toggle())
    reset.addEventListener('click', () =>
      this.#save({ since: this.#state.since === undefined ? undefined : Date.now(), elapsed: 0 })
    )
    setInterval(() => this.#paint(), 500)
    this.#paint()
  }

  #toggle(): void {
    const { since, elapsed } = this.#state
    this.#save(since === undefined ? { since: Date.now() - elapsed, elapsed: 0 } : { elapsed: Date.now() - since })
  }

  #save(state: TimerState): void {
    this.#state = state
    sessionStorage.setItem(storageKey, JSON.stringify(state))
    this.#paint()
  }

  #paint(): void {
    const { since, elapsed } = this.#state
    this.#elapsed.textContent = formatElapsed(since === undefined ? elapsed : Date.now() - since)
    this.#elapsed.dataset.paused = String(since === undefined)
    this.#pause.textContent = since === undefined ? 'Resume' : 'Pause'
    this.#pause.setAttribute('aria-pressed', String(since === undefined))
    this.#now.textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  }
}
