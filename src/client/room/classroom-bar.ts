import './classroom-bar.css'
import type { ClassroomState } from '../../shared/classroom.ts'
import { h } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'
import { ClassroomBanner } from './classroom-banner.ts'

const followKey = 'wirewatch-follow-teacher'

/** Where the presenter's lesson and section are, as a path and fragment. */
function lessonPath(state: ClassroomState): string {
  return `/lessons/${state.lesson}${state.section ? `#${state.section}` : ''}`
}

/**
 * The page's banner: server-rendered pages have it (page-layout.ts); a static page (the side-by-side
 * page's index.html) gets one here, at the top of its body, with its old announcement line moved in.
 */
function bannerElement(): HTMLElement {
  const known = document.querySelector<HTMLElement>('#classroom-banner')
  if (known) return known
  const announcement = document.querySelector('#announcement') ?? h('p', { id: 'announcement', class: 'announcement' })
  announcement.removeAttribute('role') // the banner is the live region
  const banner = h(
    'div',
    { id: 'classroom-banner', class: 'classroom-banner', role: 'status', hidden: '' },
    announcement,
    h('p', { id: 'network-cut', class: 'network-cut', hidden: '' })
  )
  const skipLink = document.querySelector('.skip-link')
  if (skipLink) skipLink.after(banner)
  else document.body.prepend(banner)
  return banner
}

/**
 * The classroom on every student page: the banner at the top (the teacher's announcement, a countdown
 * while the network is cut, and a link to the question while the teacher takes answers; sticky, so it
 * stays in view), and "follow the teacher's lesson", which,
 * when ticked, takes this page to the lesson and section on the projector each time it changes.
 */
export class ClassroomBar {
  #follow = document.querySelector<HTMLInputElement>('#follow-teacher')
  #element = bannerElement()
  #banner = new ClassroomBanner(this.#element, { linkToQuestion: true })
  #state: ClassroomState | undefined

  constructor(live: WireLive) {
    // What the page scrolls to (a section, the question) stays clear of the banner, however tall it is now.
    new ResizeObserver(() => this.#leaveRoomForBanner()).observe(this.#element)
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
    this.#banner.show(state)
    // Opened at a fragment (the question, from the banner's link; a section, following the teacher), the
    // page scrolled there before the banner appeared above it and covered it: scroll there again.
    if (!before && !this.#element.hidden) {
      this.#leaveRoomForBanner()
      document.querySelector(':target')?.scrollIntoView()
    }
    if (before?.lesson !== state.lesson || before?.section !== state.section) this.#goToLesson(state)
  }

  #leaveRoomForBanner(): void {
    document.documentElement.style.setProperty('--banner-height', `${this.#element.offsetHeight}px`)
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
}
