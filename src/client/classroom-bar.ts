import type { ClassroomState } from '../shared/classroom.ts'
import type { WireLive } from './wire-live.ts'

const followKey = 'wirewatch-follow-teacher'

/** Where the presenter's lesson and section are, as a path and fragment. */
function lessonPath(state: ClassroomState): string {
  return `/lessons/${state.lesson}${state.section ? `#${state.section}` : ''}`
}

/**
 * The bar under every page's navigation: the teacher's announcement, a notice while the
 * teacher has cut the network, and "follow the teacher's lesson", which, when ticked,
 * takes this page to the lesson and section on the projector each time it changes.
 */
export class ClassroomBar {
  #follow = document.querySelector<HTMLInputElement>('#follow-teacher')
  #announcement = document.querySelector<HTMLElement>('#announcement')
  #state: ClassroomState | undefined
  #cutTimer: ReturnType<typeof setTimeout> | undefined

  constructor(live: WireLive) {
    if (this.#follow) {
      this.#follow.checked = localStorage.getItem(followKey) === 'yes'
      this.#follow.addEventListener('change', () => {
        localStorage.setItem(followKey, this.#follow?.checked ? 'yes' : 'no')
        if (this.#state) this.#goToLesson(this.#state)
      })
    }
    live.listen({ classroom: (state) => this.#heard(state) })
  }

  #heard(state: ClassroomState): void {
    const before = this.#state
    this.#state = state
    this.#showAnnouncement(state)
    if (before?.lesson !== state.lesson || before?.section !== state.section) this.#goToLesson(state)
  }

  #goToLesson(state: ClassroomState): void {
    if (!this.#follow?.checked || state.lesson === null) return
    const path = `/lessons/${state.lesson}`
    if (location.pathname !== path) {
      location.assign(lessonPath(state))
      return
    }
    // Same lesson: go to the section on the projector (the address says which, for a reload).
    if (state.section) location.hash = state.section
    else {
      history.replaceState(null, '', path)
      window.scrollTo({ top: 0 })
    }
  }

  #showAnnouncement(state: ClassroomState): void {
    if (!this.#announcement) return
    clearTimeout(this.#cutTimer)
    const cutFor = Math.ceil((state.networkCutUntil - Date.now()) / 1000)
    const lines = [
      state.announcement,
      cutFor > 0
        ? `The teacher has cut the network for everyone: every technique's connection is down for ${cutFor} s.`
        : ''
    ].filter(Boolean)
    // textContent: the teacher's text is shown as text, never parsed as HTML.
    this.#announcement.textContent = lines.join(' · ')
    this.#announcement.hidden = lines.length === 0
    if (cutFor > 0) this.#cutTimer = setTimeout(() => this.#showAnnouncement(state), 1000)
  }
}
