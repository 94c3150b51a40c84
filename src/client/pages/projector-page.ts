import '../deck/deck.css'
import '../room/classroom-bar.css'
import '../deck/presenter.css'
import type { ClassroomState } from '../../shared/classroom.ts'
import type { Lesson } from '../../shared/lesson.ts'
import { predictionOnScreen, predictionScreenKey } from '../../shared/prediction.ts'
import { bindDeckKeys, toggleFullscreen } from '../deck/deck-keys.ts'
import { DeckNavigator, type DeckPosition } from '../deck/deck-navigator.ts'
import { presenterChannel } from '../deck/presenter-channel.ts'
import { ProjectorDemos } from '../deck/projector-demo.ts'
import { SlideDeck } from '../deck/slide-deck.ts'
import { SlideOverview } from '../deck/slide-overview.ts'
import { demoSlot, slideCanvas } from '../deck/slide-view.ts'
import { enableQuizzes } from '../lessons/quiz.ts'
import { ask } from '../platform/ask.ts'
import { PageSession } from '../platform/page-session.ts'
import { presenterRequest, presenterToken } from '../platform/presenter-token.ts'
import { predictionScreen } from '../predictions/prediction-screen.ts'
import { ClassroomBanner } from '../room/classroom-banner.ts'

// The projector: only the slide. It renders whatever the classroom state says, from whichever window.
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector) as T
const session = new PageSession()
const { clientId, live } = session
presenterToken() // keeps a token that came in the fragment, and takes it out of the address bar
const stage = $('#stage')
const blankScreen = $('#blank-screen')
const status = $('#projector-status')
const banner = new ClassroomBanner($('#classroom-banner'))
const demos = new ProjectorDemos(session, presenterChannel())
let state: ClassroomState | undefined
let shown = ''

function say(message: string): void {
  status.textContent = message
  status.hidden = message === ''
  // A refusal is told, then leaves the slide to the room.
  if (message) setTimeout(() => say(''), 6_000)
}

function openConsole(): void {
  window.open('/presenter/console', 'wirewatch-console', 'popup,width=1280,height=800')
}

function render(position: DeckPosition): void {
  const { slide, index, slides, state: room } = position
  blankScreen.hidden = !position.blank
  overview.show(position)
  // Predict, then observe: while answers come in the question takes the screen (with their count), and
  // the reveal does; in between (answers closed) the slides and their live demo are back, to observe.
  // Only on the slide where the teacher opened or revealed it: moving on shows the slide moved to.
  const prediction = predictionOnScreen(room.prediction, room)
  const key = prediction ? predictionScreenKey(prediction) : slide.key
  const demoRuns = slide.demo !== undefined && room.techniques.includes(slide.demo) && !prediction
  if (key === shown) {
    if (slide.demo && !prediction) demos.run(demoRuns ? slide.demo : undefined)
    return
  }
  shown = key
  document.title = `${slide.title} · projector · wirewatch`
  if (prediction) {
    demos.run(undefined)
    stage.replaceChildren(predictionScreen(prediction))
    return
  }
  const canvas = slideCanvas(slide, `${index + 1} / ${slides.length}`)
  const slot = demoSlot(canvas)
  if (slot && slide.demo) demos.show(slot, slide.demo, demoRuns)
  else demos.run(undefined)
  enableQuizzes(canvas)
  stage.replaceChildren(canvas)
}

const response = await fetch('/lessons.json', { cache: 'no-store' })
const { lessons } = (await response.json()) as { lessons: Lesson[] }
await document.fonts.ready
const deck = new SlideDeck(lessons)
const navigator = new DeckNavigator(deck, clientId, render, say)
const overview = new SlideOverview(
  (index) => {
    const lesson = navigator.position?.lesson
    if (lesson) navigator.goTo(lesson.slug, index)
  },
  { overlay: true }
)
document.body.append(overview.element)

bindDeckKeys({
  ...navigator.moves,
  fullscreen: toggleFullscreen,
  overview: () => overview.toggle(navigator.position),
  console: openConsole
})
$('#open-console').addEventListener('click', openConsole)
$('#fullscreen').addEventListener('click', toggleFullscreen)
live.listen({
  classroom: (heard) => {
    state = heard
    banner.show(heard)
    navigator.heard(heard)
  }
})
live.start()
// The projector is the teacher's page, not a student's: the console's audience must not count it.
if (presenterToken() !== undefined) {
  void ask(() => presenterRequest(`/classroom/presenter-page?client=${clientId}`, 'PUT')).then((asked) => {
    if (!asked.ok) say(`The console may count this projector as a student page: ${asked.why}.`)
  })
}
if (!state && presenterToken() === undefined)
  say('No presenter token in this browser: the projector follows the room; open the presenter URL to drive it.')
