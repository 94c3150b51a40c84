import type { ClassroomState } from '../../shared/classroom.ts'
import { type PredictionState, questionPath } from '../../shared/prediction.ts'
import { h } from '../platform/dom.ts'

/** Seconds left of the teacher's network cut at `now` (0 when there is none). */
export function cutSecondsLeft(state: ClassroomState, now = Date.now()): number {
  return Math.max(0, Math.ceil((state.networkCutUntil - now) / 1000))
}

/** The room's question while it takes answers, or null. */
function openQuestion(state: ClassroomState): PredictionState | null {
  return state.prediction?.phase === 'open' ? state.prediction : null
}

export interface BannerOptions {
  /**
   * While the teacher takes answers, link to where the question is answered (its lesson page, at the
   * question): on student pages, whichever page the student is on. The projector shows the
   * students' address and its QR code instead.
   */
  linkToQuestion?: boolean
}

/**
 * The room's banner: the teacher's announcement, while the network is cut a live countdown
 * ("network back in 7 s"), and on student pages a link to the question while answers are open.
 * Used on every student page and on the projector; it fills elements the page already has (and adds
 * the question's line), with textContent only (the teacher's text is never parsed as HTML).
 */
export class ClassroomBanner {
  #banner: HTMLElement
  #announcement: HTMLElement | null
  #cut: HTMLElement | null
  #question: { line: HTMLElement; link: HTMLAnchorElement } | undefined
  #state: ClassroomState | undefined
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(banner: HTMLElement, { linkToQuestion = false }: BannerOptions = {}) {
    this.#banner = banner
    this.#announcement = banner.querySelector('.announcement')
    this.#cut = banner.querySelector('.network-cut')
    if (linkToQuestion) {
      const link = h('a', { class: 'question-link' }, 'Answer the teacher’s question')
      const line = h('p', { class: 'question-open', hidden: '' }, 'The teacher is taking answers: ', link)
      banner.append(line)
      this.#question = { line, link }
    }
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
    const question = this.#question ? openQuestion(state) : null
    if (this.#question) {
      this.#question.line.hidden = question === null
      if (question) this.#question.link.href = questionPath(question.question.id)
    }
    this.#banner.hidden = state.announcement === '' && left === 0 && question === null
  }
}
