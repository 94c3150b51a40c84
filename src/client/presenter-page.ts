import './presenter.css'
import type { Audience, ClassroomState } from '../shared/classroom.ts'
import type { Lesson } from '../shared/lesson.ts'
import { isTechniqueName, techniqueNames } from '../shared/techniques.ts'
import { FeedControls } from './feed-controls.ts'
import { NetworkControls } from './network-controls.ts'
import { PageSession } from './page-session.ts'
import type { Panel } from './panel-view.ts'
import { presenterRequest, presenterToken } from './presenter-token.ts'
import { enableQuizzes } from './quiz.ts'
import { createPanels } from './technique-panels.ts'

const audienceEveryMs = 2_000

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)
const session = new PageSession()
const { clientId, live } = session
const status = $('#presenter-status')
const isPresenter = presenterToken() !== undefined

function say(message: string): void {
  if (!status) return
  status.textContent = message
  status.hidden = message === ''
}

/** Sends a control and says so on screen when the server refuses it. */
async function control(url: string, method: 'PUT' | 'POST', body: unknown): Promise<void> {
  if (!isPresenter) return // the slides still work; the room is not told
  const response = await presenterRequest(`${url}?client=${clientId}`, method, body)
  if (response.ok) return say('')
  const reason = ((await response.json().catch(() => ({}))) as { message?: string }).message
  say(`Refused (${response.status}): ${reason ?? 'no reason given'}`)
}

// One panel per technique for the whole session: slides show the ones they ask for, large.
const { panels } = createPanels(session, techniqueNames, false)
const panelOf = new Map(panels.map((panel) => [panel.name, panel]))

/** The slides: for each lesson, its title and intro, then one per section. */
class Slides {
  #lessons: Lesson[] = []
  #lesson = 0
  #slide = 0
  #stage = $('#slide')
  #allPanels = $('#all-panels')
  #select = $<HTMLSelectElement>('#lesson-select')
  #position = $('#slide-position')
  #showPanels = $<HTMLButtonElement>('#show-panels')

  async load(): Promise<void> {
    const response = await fetch('/lessons.json', { cache: 'no-store' })
    this.#lessons = ((await response.json()) as { lessons: Lesson[] }).lessons
    for (const [i, lesson] of this.#lessons.entries())
      this.#select?.append(new Option(`${lesson.number}. ${lesson.title}`, String(i)))
    this.#select?.addEventListener('change', () => this.go(Number(this.#select?.value), 0))
    $('#slide-prev')?.addEventListener('click', () => this.step(-1))
    $('#slide-next')?.addEventListener('click', () => this.step(1))
    this.#showPanels?.addEventListener('click', () => this.#togglePanels())
    document.addEventListener('keydown', (event) => {
      if ((event.target as HTMLElement).closest('input, select, textarea, button')) return
      if (event.key === 'ArrowRight' || event.key === 'PageDown') this.step(1)
      if (event.key === 'ArrowLeft' || event.key === 'PageUp') this.step(-1)
    })
    this.go(0, 0)
  }

  step(by: number): void {
    const lesson = this.#lessons[this.#lesson]
    if (!lesson) return
    const slide = this.#slide + by
    // Past either end of a lesson: the previous lesson's last slide, or the next lesson's first.
    if (slide < 0 && this.#lesson > 0) this.go(this.#lesson - 1, this.#lessons[this.#lesson - 1]?.sections.length ?? 0)
    else if (slide > lesson.sections.length && this.#lesson < this.#lessons.length - 1) this.go(this.#lesson + 1, 0)
    else this.go(this.#lesson, Math.max(0, Math.min(lesson.sections.length, slide)))
  }

  go(lessonIndex: number, slide: number): void {
    const lesson = this.#lessons[lessonIndex]
    if (!lesson || !this.#stage) return
    this.#lesson = lessonIndex
    this.#slide = slide
    if (this.#select) this.#select.value = String(lessonIndex)
    const section = slide > 0 ? lesson.sections[slide - 1] : undefined
    // The lessons' HTML is ours, rendered on the server from the Markdown with raw HTML escaped.
    this.#stage.innerHTML = section
      ? section.html
      : `<p class="lesson-number">Lesson ${lesson.number} of ${lesson.of}</p><h2>${lesson.title}</h2>${lesson.intro}`
    for (const demo of this.#stage.querySelectorAll<HTMLElement>('.demo[data-technique]')) {
      const name = demo.dataset.technique ?? ''
      const panel = isTechniqueName(name) ? panelOf.get(name) : undefined
      if (panel) demo.append(panel.element)
    }
    enableQuizzes(this.#stage)
    if (this.#position) this.#position.textContent = `slide ${slide + 1} of ${lesson.sections.length + 1}`
    if (this.#showPanels?.getAttribute('aria-pressed') === 'true') this.#togglePanels()
    void control('/classroom', 'PUT', { lesson: lesson.slug, section: section?.id ?? '' })
  }

  #togglePanels(): void {
    const showing = this.#showPanels?.getAttribute('aria-pressed') !== 'true'
    this.#showPanels?.setAttribute('aria-pressed', String(showing))
    if (this.#allPanels) {
      this.#allPanels.hidden = !showing
      if (showing) this.#allPanels.append(...panels.map((panel: Panel) => panel.element))
    }
    if (this.#stage) this.#stage.hidden = showing
    if (!showing) this.go(this.#lesson, this.#slide)
  }
}

/** The room's controls: techniques, cutting the network, announcements. */
function roomControls(): void {
  const boxes = [...document.querySelectorAll<HTMLInputElement>('#room-techniques input[name=technique]')]
  for (const box of boxes)
    box.addEventListener('change', () => {
      const techniques = boxes.filter((b) => b.checked).map((b) => b.value)
      void control('/classroom', 'PUT', { techniques })
    })
  live.listen({
    classroom: (state: ClassroomState) => {
      for (const box of boxes) box.checked = state.techniques.some((name) => name === box.value)
      const text = $<HTMLInputElement>('#announcement-text')
      if (text && document.activeElement !== text) text.value = state.announcement
    }
  })
  const seconds = $<HTMLInputElement>('#cut-seconds')
  $('#cut-network')?.addEventListener('click', () => {
    void control('/classroom/cut', 'POST', { seconds: Number(seconds?.value ?? 10) })
  })
  $('#restore-network')?.addEventListener('click', () => void control('/classroom/cut', 'POST', { seconds: 0 }))
  $('#announce-form')?.addEventListener('submit', (event) => {
    event.preventDefault()
    void control('/classroom', 'PUT', { announcement: $<HTMLInputElement>('#announcement-text')?.value ?? '' })
  })
  $('#announcement-clear')?.addEventListener('click', () => void control('/classroom', 'PUT', { announcement: '' }))
}

/** Who is here: asked of the server every 2 s (the presenter's own page is not counted). */
async function showAudience(): Promise<void> {
  const response = await presenterRequest(`/classroom/audience?client=${clientId}`, 'GET')
  if (!response.ok) return
  const audience = (await response.json()) as Audience
  const pages = $('#audience-pages')
  if (pages) pages.textContent = String(audience.pages)
  for (const name of techniqueNames) {
    const cell = document.querySelector(`[data-audience="${name}"]`)
    if (cell) cell.textContent = String(audience.techniques[name])
  }
}

async function showStudentUrl(): Promise<void> {
  const response = await fetch('/classroom/student-url')
  const where = $('#student-url')
  if (response.ok && where) where.textContent = ((await response.json()) as { url: string }).url
}

if (!isPresenter) {
  say(
    'This page needs the presenter URL the server printed at start (it ends in #token=…). Without it, nothing here changes the room.'
  )
  for (const element of document.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
    '.room-controls :is(input, button)'
  ))
    element.disabled = true
}
new FeedControls(clientId, live)
const networkControls = $('#network-controls')
if (networkControls) new NetworkControls(networkControls, clientId, live)
roomControls()
void showStudentUrl()
void new Slides().load()
if (isPresenter) {
  void showAudience()
  setInterval(() => void showAudience(), audienceEveryMs)
}
live.start()
