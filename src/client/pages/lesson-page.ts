import '../lessons/lesson.css'
import '../predictions/prediction.css'
import { isTechniqueName } from '../../shared/techniques.ts'
import { SixConnections } from '../demos/six-connections.ts'
import { enableQuizzes } from '../lessons/quiz.ts'
import { createPanels, followTeacherTechniques } from '../panels/technique-panels.ts'
import { PageSession } from '../platform/page-session.ts'
import { answererId, PredictionForm } from '../predictions/prediction-form.ts'
import { buttonWaitsForPrediction, waitForPrediction } from '../predictions/prediction-gate.ts'
import { ClassroomBar } from '../room/classroom-bar.ts'
import { feedConditions } from '../room/feed-conditions.ts'
import { showLiveFrames } from '../wire/frame-figure.ts'

// A lesson page (and the lessons' index): the live demos the Markdown asked for, the predictions,
// the quizzes, and the classroom bar. Demos start switched off: the reader predicts first (or
// skips), then switches on.
const session = new PageSession()
new ClassroomBar(session.live)

const answerer = answererId()
const predictions = [...document.querySelectorAll<HTMLElement>('aside.predict[data-predict]')].map(
  (aside) => new PredictionForm(aside, answerer)
)
session.live.listen({
  classroom: ({ prediction }) => {
    for (const form of predictions) form.heard(prediction)
  }
})

const demos = [...document.querySelectorAll<HTMLElement>('.demo[data-technique]')]
const names = demos.map((demo) => demo.dataset.technique ?? '').filter(isTechniqueName)
if (names.length > 0) {
  const { panels } = createPanels(session, names, false)
  demos.forEach((demo, i) => {
    const panel = panels[i]
    // The demo's numbers depend on the feed's rate and pattern, which the teacher may have changed.
    if (panel) demo.append(feedConditions(session.live), panel.element)
  })
  followTeacherTechniques(session, panels, 'allow')
  demos.forEach((demo, i) => {
    const panel = panels[i]
    const form = predictions.find((prediction) => prediction.id === demo.dataset.predict)
    if (panel && form) waitForPrediction(demo, panel, form, session.live)
  })
}
for (const slot of document.querySelectorAll<HTMLElement>('[data-six-connections-slot]')) {
  const demo = new SixConnections(slot, {
    budget: session.connections,
    latestId: () => session.live.latest?.latest,
    pageId: session.clientId
  })
  const form = predictions.find((prediction) => prediction.id === slot.dataset.predict)
  if (form) buttonWaitsForPrediction(slot, demo.openButton, form)
}
showLiveFrames(session.live)
enableQuizzes(document)
session.live.start()
