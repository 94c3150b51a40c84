import '../deck/deck.css'
import '../deck/presenter.css'
import '../deck/console.css'
import type { ClassroomState } from '../../shared/classroom.ts'
import type { Lesson } from '../../shared/lesson.ts'
import { type PredictionState, predictionOnScreen, predictionScreenKey } from '../../shared/prediction.ts'
import { ConsoleRoom } from '../deck/console-room.ts'
import { bindDeckKeys, toggleFullscreen } from '../deck/deck-keys.ts'
import { DeckNavigator, type DeckPosition } from '../deck/deck-navigator.ts'
import { presenterChannel } from '../deck/presenter-channel.ts'
import { PresenterTimer } from '../deck/presenter-timer.ts'
import { SlideDeck } from '../deck/slide-deck.ts'
import { SlideOverview } from '../deck/slide-overview.ts'
import { slidePreview } from '../deck/slide-view.ts'
import { h } from '../platform/dom.ts'
import { PageSession } from '../platform/page-session.ts'
import { presenterToken } from '../platform/presenter-token.ts'
import { PredictionControls } from '../predictions/prediction-controls.ts'
import { predictionScreen } from '../predictions/prediction-screen.ts'
import { FeedControls } from '../room/feed-controls.ts'
import { NetworkControls } from '../room/network-controls.ts'

// The teacher's console: what is on the projector, what comes next, the notes, and the room.
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector) as T
const session = new PageSession()
const { clientId, live } = session
const status = $('#console-status')
const isPresenter = presenterToken() !== undefined

function say(message: string): void {
  status.textContent = message
  status.hidden = message === ''
}

if (!isPresenter) {
  say(
    'This console needs the presenter URL the server printed at start (it ends in #token=…). Without it, nothing here changes the room.'
  )
  for (const control of document.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
    '.room-controls :is(input, button, select)'
  ))
    control.disabled = true
}
new FeedControls(clientId, live)
new NetworkControls($('#network-controls'), clientId, live)
const room = new ConsoleRoom(clientId, live, say)
new PresenterTimer(
  $('#timer-elapsed'),
  $<HTMLButtonElement>('#timer-pause'),
  $<HTMLButtonElement>('#timer-reset'),
  $('#clock-now')
)

const response = await fetch('/lessons.json', { cache: 'no-store' })
const { lessons } = (await response.json()) as { lessons: Lesson[] }
await document.fonts.ready
const deck = new SlideDeck(lessons)
const predictions = new PredictionControls(
  $('#prediction-controls'),
  room,
  lessons.flatMap((lesson) => lesson.predictions ?? []),
  presenterChannel()
)
const select = $<HTMLSelectElement>('#lesson-select')
for (const lesson of lessons) select.append(new Option(`${lesson.number}. ${lesson.title}`, lesson.slug))
let shown = ''
let shownNow = ''

function render(position: DeckPosition): void {
  const { slide, slides, index, lesson } = position
  $('#blank-toggle').setAttribute('aria-pressed', String(position.blank))
  $('#slide-position').textContent = `slide ${index + 1} of ${slides.length}${position.blank ? ' · BLANK' : ''}`
  document.body.dataset.blank = String(position.blank)
  inlineOverview.show(position)
  overlayOverview.show(position)
  showNow(position)
  if (shown === slide.key) return
  shown = slide.key
  select.value = lesson.slug
  const next = slides[index + 1]
  $('#next-title-text').textContent = next ? next.title : '(end of the lesson)'
  $('#preview-next').replaceChildren(
    next
      ? slidePreview(next, `${index + 2} / ${slides.length}`)
      : h('p', { class: 'how' }, 'The last slide of this lesson.')
  )
  const notes = $('#notes')
  // The notes are the lesson's own HTML (rendered from its Markdown on the server, raw HTML escaped).
  if (slide.notes) notes.innerHTML = slide.notes
  else notes.replaceChildren(h('p', { class: 'how' }, 'No notes for this section.'))
  predictions.showFor(slide.predicts)
  document.title = `${slide.title} · console · wirewatch`
}

/** "Now on the projector": what it shows, never the slide under it (the question or its reveal takes its place there). */
function showNow({ slide, slides, index, state }: DeckPosition): void {
  const prediction = predictionOnScreen(state.prediction, state)
  const key = prediction ? `${slide.key}:${predictionScreenKey(prediction)}` : slide.key
  if (shownNow === key) return
  shownNow = key
  $('#now-title-text').textContent = prediction
    ? `${prediction.phase === 'revealed' ? 'the reveal of' : 'the open question'} ${prediction.question.id}, on ${slide.title} (→ moves on)`
    : slide.title
  $('#preview-current').replaceChildren(
    prediction ? predictionPreview(prediction) : slidePreview(slide, `${index + 1} / ${slides.length}`)
  )
}

/** The prediction screen as the projector shows it, framed and scaled like a slide preview. */
function predictionPreview(prediction: PredictionState): HTMLElement {
  const frame = h('div', { class: 'slide-frame', 'aria-hidden': 'true' }, predictionScreen(prediction))
  frame.inert = true
  return frame
}

const navigator = new DeckNavigator(deck, clientId, render, say)
const goInLesson = (index: number) => {
  const lesson = navigator.position?.lesson
  if (lesson) navigator.goTo(lesson.slug, index)
}
const inlineOverview = new SlideOverview(goInLesson, { overlay: false })
const overlayOverview = new SlideOverview(goInLesson, { overlay: true })
$('#overview-list').append(inlineOverview.element)
document.body.append(overlayOverview.element)

select.addEventListener('change', () => navigator.goTo(select.value, 0))
$('#slide-prev').addEventListener('click', () => navigator.step(-1))
$('#slide-next').addEventListener('click', () => navigator.step(1))
$('#blank-toggle').addEventListener('click', () => navigator.toggleBlank())
$('#overview-toggle').addEventListener('click', () => overlayOverview.toggle(navigator.position))
$('#open-projector').addEventListener('click', () => window.open('/presenter', 'wirewatch-projector'))
bindDeckKeys({
  ...navigator.moves,
  fullscreen: toggleFullscreen,
  overview: () => overlayOverview.toggle(navigator.position)
})

let first = true
live.listen({
  classroom: (state: ClassroomState) => {
    // The room has no lesson yet: the console starts it on the first one.
    if (first && state.lesson === null && isPresenter && lessons[0]) void navigator.goTo(lessons[0].slug, 0)
    first = false
    navigator.heard(state)
    predictions.heard(state)
  }
})
live.start()
