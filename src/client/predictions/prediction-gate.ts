import type { Panel } from '../panels/panel-view.ts'
import { h } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'
import type { PredictionForm } from './prediction-form.ts'

/**
 * Disables `control` with `note` beside it until the reader has committed a prediction or skipped:
 * predict first, then observe. `enabled` says whether it may be used once decided. Returns the
 * function that disables it again while undecided (for whatever else would enable it).
 */
function holdUntilDecided(
  demo: HTMLElement,
  control: HTMLInputElement | HTMLButtonElement,
  form: PredictionForm,
  { noteId, note: text, enabled }: { noteId: string; note: string; enabled: () => boolean }
): () => void {
  const note = h('p', { class: 'demo-wait', id: noteId }, text)
  demo.prepend(note)
  control.setAttribute('aria-describedby', noteId)
  const lock = () => {
    if (!form.decided) control.disabled = true
  }
  lock()
  form.onDecided = () => {
    note.remove()
    control.removeAttribute('aria-describedby')
    control.disabled = !enabled()
  }
  return lock
}

/**
 * Keeps the demo after a `::: predict` switched off, its toggle disabled, until the reader has
 * committed a prediction or skipped. The note next to the toggle says so.
 */
export function waitForPrediction(demo: HTMLElement, panel: Panel, form: PredictionForm, live: WireLive): void {
  if (form.decided) return
  const toggle = panel.element.querySelector<HTMLInputElement>('input[name=enabled]')
  if (!toggle) return
  panel.switch(false)
  const lock = holdUntilDecided(demo, toggle, form, {
    noteId: `${panel.name}-waits-for-prediction`,
    note: 'This demo stays switched off until you commit a prediction above (or skip it).',
    enabled: () => panel.element.dataset.allowed !== 'false'
  })
  // The teacher allowing this technique enables the toggle again: the prediction still comes first.
  live.listen({ classroom: lock })
}

/** The same for a demo started by a button (the six-connection demo): the button waits for the answer. */
export function buttonWaitsForPrediction(demo: HTMLElement, button: HTMLButtonElement, form: PredictionForm): void {
  if (form.decided) return
  holdUntilDecided(demo, button, form, {
    noteId: `${form.id}-demo-waits`.replace(/[^A-Za-z0-9_-]/g, '-'),
    note: 'This demo waits until you commit a prediction above (or skip it).',
    enabled: () => true
  })
}
