import './lesson.css'
import { isTechniqueName } from '../shared/techniques.ts'
import { ClassroomBar } from './classroom-bar.ts'
import { PageSession } from './page-session.ts'
import { enableQuizzes } from './quiz.ts'
import { createPanels, followTeacherTechniques } from './technique-panels.ts'

// A lesson page (and the lessons' index): the live demos the Markdown asked for, the quizzes,
// and the classroom bar. Demos start switched off: the reader predicts first, then switches on.
const session = new PageSession()
new ClassroomBar(session.live)

const demos = [...document.querySelectorAll<HTMLElement>('.demo[data-technique]')]
const names = demos.map((demo) => demo.dataset.technique ?? '').filter(isTechniqueName)
if (names.length > 0) {
  const { panels } = createPanels(session, names, false)
  demos.forEach((demo, i) => {
    const panel = panels[i]
    if (panel) demo.append(panel.element)
  })
  followTeacherTechniques(session, panels, 'allow')
}
enableQuizzes(document)
session.live.start()
