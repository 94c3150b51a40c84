import './lesson.css'
import './prediction.css'
import { isTechniqueName } from '../shared/techniques.ts'
import { ClassroomBar } from './classroom-bar.ts'
import { feedConditions } from './feed-conditions.ts'
import { showLiveFrames } from './frame-figure.ts'
import { PageSession } from './page-session.ts'
import { answererId, PredictionForm } from './prediction-form.ts'
import { waitForPrediction } from './prediction-gate.ts'
import { enableQuizzes } from './quiz.ts'
import { createPanels, followTeacherTechniques } from './technique-panels.ts'

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
showLiveFrames(session.live)
enableQuizzes(document)
session.live.start()
