import type { PredictionState } from '../../shared/prediction.ts'
import { h } from '../platform/dom.ts'
import { studentAddress, studentQrPath } from '../room/student-address.ts'
import { revealView } from './prediction-reveal.ts'

const phaseText = {
  open: 'Answer on your page now',
  closed: 'Answers closed',
  revealed: 'What the room predicted'
} as const

/**
 * Where to answer, while answers are open: the students' address, large enough to type from the
 * back of the room, and its QR code. The address is the server's (the LAN one, never a loopback one
 * a phone cannot open); until it is known the panel shows the code alone, and without it, nothing.
 */
function joinPanel(): HTMLElement {
  const url = h('p', { class: 'join-url', 'data-student-url': '' })
  const qr = h('img', { class: 'join-qr', src: studentQrPath, alt: 'QR code of the students’ address' })
  const panel = h(
    'aside',
    { class: 'prediction-join', 'aria-label': 'Where to answer' },
    h('p', { class: 'join-title' }, 'Scan or type'),
    qr,
    url
  )
  void studentAddress().then((asked) => {
    if (!asked.ok) return panel.remove()
    url.textContent = asked.address.url
    // The address on one line, as large as the panel allows: a broken address is mistyped.
    url.style.setProperty('--chars', String(asked.address.url.length))
    qr.alt = `QR code of ${asked.address.url}`
  })
  return panel
}

/**
 * The projector while the teacher has a question open: the question and a live count of the
 * answers beside where to answer (the address and its QR code), then, once revealed, the answers
 * next to what was measured. The question's text is the lesson's, shown as text.
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
        // The count and its word on one line.
        h(
          'span',
          { class: 'prediction-count' },
          h('strong', { 'data-answers': String(prediction.answers) }, String(prediction.answers)),
          prediction.answers === 1 ? ' answer' : ' answers'
        )
      )
    )
  if (prediction.phase === 'open')
    body.append(
      h('p', { class: 'join-hint' }, 'Already on a wirewatch page? The banner at its top links to the question.'),
      joinPanel()
    )
  return h(
    'article',
    {
      class: 'slide-canvas prediction-screen',
      'data-slide': `prediction/${prediction.question.id}`,
      'data-phase': prediction.phase
    },
    body,
    h('footer', { class: 'slide-footer' }, h('span', {}, `question ${prediction.question.id}`), h('span'))
  )
}
