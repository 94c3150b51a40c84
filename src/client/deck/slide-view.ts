import { techniques } from '../../shared/techniques.ts'
import { h } from '../platform/dom.ts'
import type { DeckSlide } from './deck-slide.ts'

/**
 * One slide on the 16:9 canvas (60em × 33.75em, see deck.css): its body, then a footer saying where
 * it is. The projector, the console's previews and the deck's measuring canvas all use this one
 * element, so a slide that fits when measured fits wherever it is shown, at any scale.
 */
export function slideCanvas(slide: DeckSlide | undefined, place = ''): HTMLElement {
  const body = h('div', { class: 'slide-body' })
  // The lessons' HTML is ours: rendered on the server from the Markdown, with raw HTML escaped.
  if (slide) body.innerHTML = slide.html
  const footer = h(
    'footer',
    { class: 'slide-footer' },
    h('span', {}, slide ? slide.where : ''),
    h('span', { class: 'slide-place' }, place)
  )
  const canvas = h('article', { class: 'slide-canvas', 'data-slide': slide?.key ?? '' }, body, footer)
  if (slide?.demo) canvas.dataset.demo = slide.demo
  return canvas
}

/** The body of a slide, where a demo slide's live view goes. */
export function demoSlot(canvas: HTMLElement): HTMLElement | null {
  return canvas.querySelector<HTMLElement>('.demo-stage')
}

/**
 * A still copy of a slide for the console (current, next, overview): scaled to its frame, no ids
 * or focusable controls of its own, and a demo shown as what the projector runs there.
 */
export function slidePreview(slide: DeckSlide, place: string): HTMLElement {
  const canvas = slideCanvas(slide, place)
  for (const element of canvas.querySelectorAll('[id]')) element.removeAttribute('id')
  for (const element of canvas.querySelectorAll('[tabindex]')) element.removeAttribute('tabindex')
  for (const input of canvas.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button'))
    input.disabled = true
  const slot = demoSlot(canvas)
  if (slot && slide.demo)
    slot.append(
      h(
        'p',
        { class: 'demo-placeholder' },
        `Live on the projector: the race view and the ${techniques[slide.demo].title} panel (${techniques[slide.demo].letter})`
      )
    )
  const frame = h('div', { class: 'slide-frame', 'aria-hidden': 'true' }, canvas)
  frame.inert = true
  return frame
}
