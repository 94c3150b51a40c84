import type { Lesson } from '../../shared/lesson.ts'
import { isTechniqueName, type TechniqueName } from '../../shared/techniques.ts'
import { codeLines } from './code-lines.ts'
import type { DeckSlide } from './deck-slide.ts'
import { slideCanvas } from './slide-view.ts'

/** Measured below this share of the slide's height, so rounding at another scale cannot overflow it. */
const fillShare = 0.97
/** Steps by which a block too large for any slide (and not splittable) is zoomed out until it fits. */
const zoomSteps = ['0.9', '0.8', '0.7', '0.6', '0.5']

/** Cuts a block too tall for one slide into a first part and the rest, at line, item or row boundaries. */
interface Splittable {
  count: number
  build(from: number, to: number): Element
}

function splittable(block: Element): Splittable | undefined {
  const code = block.querySelector('pre > code') ?? (block.matches('pre') ? block : null)
  if (code) {
    const lines = codeLines(code)
    return {
      count: lines.length,
      build(from, to) {
        const part = block.cloneNode(true) as Element
        const partCode = part.querySelector('pre > code') ?? part
        partCode.innerHTML = lines.slice(from, to).join('\n')
        if (from > 0) part.querySelector('figcaption')?.remove()
        return part
      }
    }
  }
  if (block.matches('ul, ol') && block.children.length > 1) {
    const items = [...block.children]
    return {
      count: items.length,
      build(from, to) {
        const part = block.cloneNode(false) as Element
        if (block.matches('ol')) part.setAttribute('start', String(Number(block.getAttribute('start') ?? 1) + from))
        part.append(...items.slice(from, to).map((item) => item.cloneNode(true)))
        return part
      }
    }
  }
  const rows = block.matches('table') ? [...block.querySelectorAll('tbody > tr')] : []
  if (rows.length > 1)
    return {
      count: rows.length,
      build(from, to) {
        const part = block.cloneNode(true) as Element
        part.querySelector('tbody')?.replaceChildren(...rows.slice(from, to).map((row) => row.cloneNode(true)))
        return part
      }
    }
  return undefined
}

/**
 * The lessons as slides. Each `##` section is laid out on a measuring canvas (the same element
 * and CSS as the projector's, at a fixed reference size) and split at block boundaries into as
 * many slides as it needs; a code block, list or table longer than a slide is split by lines,
 * items or rows. Every window that builds the deck gets the same slides.
 */
export class SlideDeck {
  readonly lessons: Lesson[]
  #slides = new Map<string, DeckSlide[]>()
  #measure: HTMLElement
  #body: HTMLElement

  constructor(lessons: Lesson[]) {
    this.lessons = lessons
    this.#measure = slideCanvas(undefined)
    this.#measure.classList.add('slide-measuring')
    this.#measure.setAttribute('aria-hidden', 'true')
    this.#measure.removeAttribute('data-slide')
    this.#body = this.#measure.querySelector('.slide-body') as HTMLElement
    document.body.append(this.#measure)
  }

  lesson(slug: string | null): Lesson | undefined {
    return this.lessons.find((lesson) => lesson.slug === slug)
  }

  /** Every slide of a lesson, in order (laid out the first time they are asked for). */
  slides(slug: string): DeckSlide[] {
    const known = this.#slides.get(slug)
    if (known) return known
    const lesson = this.lesson(slug)
    if (!lesson) return []
    const title =
      `<header class="slide-title"><p class="lesson-number">Lesson ${lesson.number} of ${lesson.of}</p>` +
      `<h2>${escapeHtml(lesson.title)}</h2></header>${lesson.intro}`
    const sections = [{ id: '', title: lesson.title, html: title }, ...lesson.sections]
    const slides = sections.flatMap((section) => this.#section(lesson, section.id, section.title, section.html))
    this.#slides.set(slug, slides)
    return slides
  }

  #section(lesson: Lesson, id: string, title: string, html: string): DeckSlide[] {
    const template = document.createElement('template')
    template.innerHTML = html
    const blocks = [...template.content.children]
    const notes = blocks.filter((block) => block.matches('.notes'))
    // The question and the demo that waits for it both name it: once each.
    const predicts = [
      ...new Set(
        [...template.content.querySelectorAll<HTMLElement>('[data-predict]')].map((e) => e.dataset.predict ?? '')
      )
    ]
    const queue = blocks.filter((block) => !block.matches('.notes'))
    const heading = queue[0]?.matches('h2, .slide-title') ? queue.shift() : undefined
    const pages: { html: string; demo?: TechniqueName }[] = []
    let count = 0
    const start = (continued: boolean) => {
      this.#body.replaceChildren()
      count = 0
      if (!heading) return
      const copy = heading.cloneNode(true) as Element
      if (continued) copy.classList.add('continued')
      this.#body.append(copy)
    }
    const flush = () => pages.push({ html: [...this.#body.children].map((block) => block.outerHTML).join('\n') })
    start(false)
    while (queue.length > 0) {
      const block = queue.shift() as Element
      const technique = block.matches('.demo[data-technique]') ? (block as HTMLElement).dataset.technique : undefined
      if (technique && isTechniqueName(technique)) {
        // A demo has a slide of its own: the live race view and the panel take the whole body.
        if (count > 0) flush()
        start(pages.length > 0)
        this.#body.append(Object.assign(document.createElement('div'), { className: 'demo-stage' }))
        pages.push({ html: [...this.#body.children].map((child) => child.outerHTML).join('\n'), demo: technique })
        start(true)
        continue
      }
      this.#body.append(block)
      if (this.#fits()) {
        count++
        continue
      }
      block.remove()
      if (count > 0) {
        flush()
        start(true)
        queue.unshift(block)
        continue
      }
      const parts = this.#split(block)
      if (parts) {
        queue.unshift(...parts)
        continue
      }
      this.#zoomToFit(block)
      count++
    }
    if (count > 0 || pages.length === 0) flush()
    const number = `${lesson.number}. ${lesson.title}`
    return pages.map((page, n) => {
      const part = pages.length > 1 ? ` ${n + 1}/${pages.length}` : ''
      return {
        key: `${lesson.slug}/${id}/${n}`,
        lesson: lesson.slug,
        section: id,
        slide: n,
        of: pages.length,
        title: `${title}${part}`,
        where: id ? `${number} · ${title}${part}` : `${number}${part}`,
        html: page.html,
        demo: page.demo,
        notes: notes.map((note) => note.innerHTML).join('\n'),
        predicts
      }
    })
  }

  /** The largest first part of `block` that fits on the slide with what is on it, and the rest; undefined if it cannot be cut. */
  #split(block: Element): Element[] | undefined {
    const split = splittable(block)
    if (!split) return undefined
    let low = 0
    let high = split.count - 1
    while (low < high) {
      const middle = Math.ceil((low + high) / 2)
      const part = split.build(0, middle)
      this.#body.append(part)
      const fits = this.#fits()
      part.remove()
      if (fits) low = middle
      else high = middle - 1
    }
    if (low === 0) return undefined // not even one line or item fits: zoom the block out instead
    return [split.build(0, low), split.build(low, split.count)]
  }

  /** Zooms out a block that fits no slide whole and cannot be cut (a long paragraph, a figure), in steps. */
  #zoomToFit(block: Element): void {
    this.#body.append(block)
    for (const zoom of zoomSteps) {
      if (this.#fits()) return
      block.setAttribute('data-zoom', zoom)
    }
  }

  /** Whether what is on the measuring slide ends above its body's bottom (scrollHeight never reports less than the box). */
  #fits(): boolean {
    const last = this.#body.lastElementChild
    if (!last) return true
    const top = this.#body.getBoundingClientRect().top
    const bottom = last.getBoundingClientRect().bottom + Number.parseFloat(getComputedStyle(last).marginBottom)
    return bottom - top <= this.#body.clientHeight * fillShare && this.#body.scrollWidth <= this.#body.clientWidth
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
