import { h } from '../platform/dom.ts'
import type { DeckPosition } from './deck-navigator.ts'
import { slidePreview } from './slide-view.ts'

/**
 * Every slide of the lesson as a grid of small previews with their titles; a click goes there.
 * The console keeps one in view; both windows open one over everything with Escape.
 */
export class SlideOverview {
  readonly element: HTMLElement
  #list = h('ol', { class: 'overview-list' })
  #go: (index: number) => void
  #shown: string | undefined

  constructor(go: (index: number) => void, { overlay }: { overlay: boolean }) {
    this.#go = go
    this.element = overlay
      ? h(
          'section',
          {
            class: 'overview overview-overlay',
            'data-overview': '',
            'aria-label': 'All slides of this lesson',
            hidden: ''
          },
          h('p', { class: 'overview-hint' }, 'Click a slide to go there · Escape closes'),
          this.#list
        )
      : h('div', { class: 'overview', 'data-overview-list': '' }, this.#list)
  }

  get open(): boolean {
    return !this.element.hidden
  }

  toggle(position: DeckPosition | undefined): void {
    this.element.hidden = !this.element.hidden
    if (this.open && position) this.show(position)
  }

  close(): void {
    this.element.hidden = true
  }

  show(position: DeckPosition): void {
    const key = `${position.lesson.slug}:${position.slides.length}`
    if (key !== this.#shown) {
      this.#shown = key
      this.#list.replaceChildren(
        ...position.slides.map((slide, index) => {
          const button = h(
            'button',
            { type: 'button', class: 'overview-slide', 'data-index': String(index) },
            slidePreview(slide, ''),
            h('span', { class: 'overview-title' }, `${index + 1}. ${slide.title}`)
          )
          button.addEventListener('click', () => {
            this.#go(index)
            if (this.element.matches('.overview-overlay')) this.close()
          })
          return h('li', {}, button)
        })
      )
    }
    for (const button of this.#list.querySelectorAll<HTMLElement>('.overview-slide')) {
      const current = Number(button.dataset.index) === position.index
      if (current) button.setAttribute('aria-current', 'step')
      else button.removeAttribute('aria-current')
    }
    // Only the overlay scrolls to the current slide: the console's own list must not move the page.
    if (this.open && this.element.matches('.overview-overlay'))
      this.#list.querySelector('[aria-current]')?.scrollIntoView({ block: 'nearest' })
  }
}
