import { allTechniques, isTechniqueName, type TechniqueName, techniques } from '../../shared/techniques.ts'
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
  const badge = h('span', { class: 'technique-badge', 'aria-hidden': 'true' }, techniques[name].letter)
  paintAccent(badge, name)
  return badge
}

/**
 * Sets every technique's colour, `--<name>`, on the page from its declaration, for the light or
 * dark scheme the reader has, and again when that changes; and paints each server-rendered
 * `[data-technique]` element with its accent.
 */
export function paintTechniqueColours(): void {
  const dark = matchMedia('(prefers-color-scheme: dark)')
  const apply = () => {
    for (const technique of allTechniques)
      document.documentElement.style.setProperty(
        `--${technique.name}`,
        dark.matches ? technique.colour.dark : technique.colour.light
      )
  }
  apply()
  dark.addEventListener('change', apply)
  for (const element of document.querySelectorAll<HTMLElement>('[data-technique]')) {
    const name = element.dataset.technique ?? ''
    if (isTechniqueName(name)) paintAccent(element, name)
  }
}
