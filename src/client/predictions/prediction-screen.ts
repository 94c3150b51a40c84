import type { PredictionState } from '../../shared/prediction.ts'
import { h } from '../platform/dom.ts'
import { revealView } from './prediction-reveal.ts'

const phaseText = {
  open: 'Answer on your page now',
  closed: 'Answers closed',
  revealed: 'What the room predicted'
} as const

/**
 * The projector while the teacher has a question open: the question and a live count of the
 * answers, then, once revealed, the answers next to what was measured. The question's text is
 * the lesson's, shown as text.
 */
export function predictionScreen(prediction: PredictionState): HTMLElement {
  const body = h('div', { class: 'slide-body prediction-body' }, h('h2', {}, 'Predict, then observe'))
  // Revealed: the reveal view carries the question, the answers and the value measured live.
  if (prediction.phase === 'revealed') body.append(revealView(prediction))
  else
    body.append(
      h('p', { class: 'prediction-prompt' }, prediction.question.prompt),
      h(
        'p',
        { class: 'prediction-phase', 'data-phase': prediction.phase },
        `${phaseText[prediction.phase]} · `,
        h('strong', { 'data-answers': String(prediction.answers) }, String(prediction.answers)),
        prediction.answers === 1 ? ' answer' : ' answers'
      )
    )
  return h(
    'article',
    { class: 'slide-canvas prediction-screen', 'data-slide': `prediction/${prediction.question.id}` },
    body,
    h('footer', { class: 'slide-footer' }, h('span', {}, `question ${prediction.question.id}`), h('span'))
  )
}
