import type { ClassroomChange, ClassroomState } from '../../shared/classroom.ts'
import type { Lesson } from '../../shared/lesson.ts'
import { ask } from '../platform/ask.ts'
import { presenterRequest, presenterToken } from '../platform/presenter-token.ts'
import type { DeckActions } from './deck-keys.ts'
import type { DeckSlide } from './deck-slide.ts'
import type { SlideDeck } from './slide-deck.ts'

/** Where the room is: a lesson, its slides, and the one on the projector. */
export interface DeckPosition {
  lesson: Lesson
  slides: DeckSlide[]
  index: number
  slide: DeckSlide
  blank: boolean
  state: ClassroomState
}

/**
 * Moves the room through the deck. Navigation from any window is a `PUT /classroom` (lesson,
 * section, slide); every window renders from the state it hears back, so the projector and the
 * console always agree, whichever one the teacher pressed a key in.
 */
export class DeckNavigator {
  #deck: SlideDeck
  #clientId: string
  #position: DeckPosition | undefined
  #render: (position: DeckPosition) => void
  #refused: (message: string) => void

  constructor(
    deck: SlideDeck,
    clientId: string,
    render: (position: DeckPosition) => void,
    refused: (message: string) => void
  ) {
    this.#deck = deck
    this.#clientId = clientId
    this.#render = render
    this.#refused = refused
  }

  get position(): DeckPosition | undefined {
    return this.#position
  }

  /** The classroom state as heard (on `/wire/live`, or in the answer to our own PUT). */
  heard(state: ClassroomState): void {
    // An older state than the one shown (the late answer to our own PUT): the room has moved on since.
    if (this.#position && state.revision < this.#position.state.revision) return
    const lesson = this.#deck.lesson(state.lesson) ?? this.#deck.lessons[0]
    if (!lesson) return
    const slides = this.#deck.slides(lesson.slug)
    const inSection = slides.filter((slide) => slide.section === (state.lesson === lesson.slug ? state.section : ''))
    // Another window may have cut the section into fewer slides (another font): its last one, then.
    const slide = inSection[Math.min(state.slide, inSection.length - 1)] ?? slides[0]
    if (!slide) return
    this.#position = { lesson, slides, index: slides.indexOf(slide), slide, blank: state.blank, state }
    this.#render(this.#position)
  }

  /** One slide on or back; past either end of a lesson, the next lesson's first or the previous one's last. */
  step(by: 1 | -1): void {
    const position = this.#position
    if (!position) return
    const target = position.index + by
    if (target >= 0 && target < position.slides.length) {
      this.goTo(position.lesson.slug, target)
      return
    }
    const lessons = this.#deck.lessons
    const next = lessons[lessons.indexOf(position.lesson) + by]
    if (!next) return
    this.goTo(next.slug, by > 0 ? 0 : this.#deck.slides(next.slug).length - 1)
  }

  /** The lesson's first (`0`) or last (`-1`) slide. */
  end(which: 0 | -1): void {
    const position = this.#position
    if (position) this.goTo(position.lesson.slug, which === 0 ? 0 : position.slides.length - 1)
  }

  goTo(lesson: string, index: number): void {
    const slide = this.#deck.slides(lesson)[index]
    if (slide) void this.change({ lesson, section: slide.section, slide: slide.slide })
  }

  /** What the keys that move the room do, in every window: the deck's part of `bindDeckKeys`. */
  get moves(): Pick<DeckActions, 'next' | 'previous' | 'first' | 'last' | 'blank'> {
    return {
      next: () => this.step(1),
      previous: () => this.step(-1),
      first: () => this.end(0),
      last: () => this.end(-1),
      blank: () => this.toggleBlank()
    }
  }

  toggleBlank(): void {
    void this.change({ blank: !this.#position?.blank })
  }

  /** Sends a change of the room; the state in the answer is rendered at once, and again when heard. */
  async change(change: ClassroomChange): Promise<void> {
    if (presenterToken() === undefined)
      return this.#refused('This window has no presenter token: it follows the room, but its keys cannot move it.')
    const asked = await ask(() => presenterRequest(`/classroom?client=${this.#clientId}`, 'PUT', change))
    if (!asked.ok) return this.#refused(`Not moved: ${asked.why}.`)
    this.#refused('')
    this.heard((await asked.response.json()) as ClassroomState)
  }
}
