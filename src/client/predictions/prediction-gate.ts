import type { Panel } from '../panels/panel-view.ts'
import { h } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'
import type { PredictionForm } from './prediction-form.ts'

/**
 * Keeps the demo after a `::: predict` switched off, its toggle disabled, until the reader has
 * committed a prediction or skipped: predict first, then observe. The note next to the toggle says so.
 */
export function waitForPrediction(demo: HTMLElement, panel: Panel, form: PredictionForm, live: WireLive): void {
  if (form.decided) return
  const toggle = panel.element.querySelector<HTMLInputElement>('input[name=enabled]')
  if (!toggle) return
  const noteId = `${panel.name}-waits-for-prediction`
  const note = h(
    'p',
    { class: 'demo-wait', id: noteId },
    'This demo stays switched off until you commit a prediction above (or skip it).'
  )
  demo.prepend(note)
  toggle.setAttribute('aria-describedby', noteId)
  const lock = () => {
    if (!form.decided) toggle.disabled = true
  }
  panel.switch(false)
  lock()
  // The teacher allowing this technique enables the toggle again: the prediction still comes first.
  live.listen({ classroom: lock })
  form.onDecided = () => {
    note.remove()
    toggle.removeAttribute('aria-describedby')
    toggle.disabled = panel.element.dataset.allowed === 'false'
  }
}

/** The same for a demo started by a button (the six-connection demo): the button waits for the answer. */
export function buttonWaitsForPrediction(demo: HTMLElement, button: HTMLButtonElement, form: PredictionForm): void {
  if (form.decided) return
  const noteId = `${form.id}-demo-waits`.replace(/[^A-Za-z0-9_-]/g, '-')
  const note = h(
    'p',
    { class: 'demo-wait', id: noteId },
    'This demo waits until you commit a prediction above (or skip it).'
  )
  demo.prepend(note)
  button.setAttribute('aria-describedby', noteId)
  button.disabled = true
  form.onDecided = () => {
    note.remove()
    button.removeAttribute('aria-describedby')
    button.disabled = false
  }
}
