import type { ClassroomState } from '../../shared/classroom.ts'

/** Seconds left of the teacher's network cut at `now` (0 when there is none). */
export function cutSecondsLeft(state: ClassroomState, now = Date.now()): number {
  return Math.max(0, Math.ceil((state.networkCutUntil - now) / 1000))
}

/**
 * The room's banner: the teacher's announcement, and while the network is cut a live countdown
 * ("network back in 7 s"). Used on every student page and on the projector; it fills elements
 * the page already has, with textContent only (the teacher's text is never parsed as HTML).
 */
export class ClassroomBanner {
  #banner: HTMLElement
  #announcement: HTMLElement | null
  #cut: HTMLElement | null
  #state: ClassroomState | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(banner: HTMLElement) {
    this.#banner = banner
    this.#announcement = banner.querySelector('.announcement')
    this.#cut = banner.querySelector('.network-cut')
  }

  show(state: ClassroomState): void {
    this.#state = state
    clearInterval(this.#timer)
    this.#paint()
    // The server's cut time is in its clock; a second's step is what the banner shows, so the browser's is close enough.
    if (cutSecondsLeft(state) > 0) this.#timer = setInterval(() => this.#paint(), 250)
  }

  #paint(): void {
    const state = this.#state
    if (!state) return
    const left = cutSecondsLeft(state)
    if (left === 0) clearInterval(this.#timer)
    if (this.#announcement) {
      this.#announcement.textContent = state.announcement
      this.#announcement.hidden = state.announcement === ''
    }
    if (this.#cut) {
      this.#cut.textContent = left > 0 ? `The teacher has cut the network for everyone: network back in ${left} s` : ''
      this.#cut.hidden = left === 0
    }
    this.#banner.hidden = state.announcement === '' && left === 0
  }
}
