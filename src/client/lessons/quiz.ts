import { h } from '../platform/dom.ts'

/** Writes on an answer, in words (not only in colour), what it is once the reader has checked. */
function markAnswer(label: HTMLElement, mark: 'wrong' | 'right' | '', text: string): void {
  let span = label.querySelector<HTMLElement>('.answer-mark')
  if (!span) {
    span = h('span', { class: 'answer-mark' })
    label.append(span)
  }
  span.textContent = text ? ` ${text}` : ''
  if (mark) label.dataset.mark = mark
  else delete label.dataset.mark
}

/**
 * The lessons' check-your-understanding questions: the page says right or wrong, marks the
 * chosen wrong answer and the right one in words, and shows the explanation. It all happens
 * here; nothing is sent to the server.
 */
export function enableQuizzes(root: ParentNode): void {
  for (const form of root.querySelectorAll<HTMLFormElement>('form.quiz')) {
    const verdict = form.querySelector('output.verdict')
    const explanation = form.querySelector<HTMLElement>('.explanation')
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const chosen = form.querySelector<HTMLInputElement>('input[type=radio]:checked')
      if (!verdict) return
      if (!chosen) {
        verdict.textContent = 'Choose an answer first.'
        return
      }
      const right = chosen.hasAttribute('data-correct')
      for (const input of form.querySelectorAll<HTMLInputElement>('input[type=radio]')) {
        const label = input.closest<HTMLElement>('label.answer')
        if (!label) continue
        if (input.hasAttribute('data-correct'))
          markAnswer(label, 'right', input === chosen ? '✓ your answer, right' : '✓ right answer')
        else markAnswer(label, input === chosen ? 'wrong' : '', input === chosen ? '✗ your answer' : '')
      }
      form.dataset.answered = right ? 'right' : 'wrong'
      verdict.textContent = right ? 'Right.' : 'Not quite: the right answer is marked.'
      if (explanation) explanation.hidden = false
    })
  }
}
