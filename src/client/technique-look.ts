import { type TechniqueName, techniqueLooks } from '../shared/techniques.ts'
import { h } from './dom.ts'

/**
 * Gives `element` its technique's colour as `--accent` (the CSS variable `--<name>`), so styles
 * say `var(--accent)` instead of one rule per technique. Set through the CSSOM, which the
 * page's strict CSP allows (inline style attributes it does not).
 */
export function paintAccent(element: HTMLElement | SVGElement, name: TechniqueName): void {
  element.style.setProperty('--accent', `var(--${name})`)
}

/** The technique's letter on its colour: the cue that does not depend on seeing colour. */
export function techniqueBadge(name: TechniqueName): HTMLSpanElement {
  const badge = h('span', { class: 'technique-badge', 'aria-hidden': 'true' }, techniqueLooks[name].letter)
  paintAccent(badge, name)
  return badge
}
