/**
 * The lessons' check-your-understanding questions: the page says right or wrong
 * and shows the explanation. It all happens here; nothing is sent to the server.
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
      form.dataset.answered = right ? 'right' : 'wrong'
      verdict.textContent = right ? 'Right.' : 'Not quite: the right answer is marked.'
      if (explanation) explanation.hidden = false
    })
  }
}
