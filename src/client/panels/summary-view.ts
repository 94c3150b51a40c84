import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { h } from '../platform/dom.ts'
import { techniqueBadge } from '../platform/technique-look.ts'
import { httpVersionOf } from './http-version.ts'
import type { Panel } from './panel-view.ts'

// What each new event cost first (on a phone the table scrolls sideways), then what it was divided by.
const columns = [
  'bytes-per-event',
  'requests-per-event',
  'events',
  'catch-up',
  'connections-in-use',
  'connections-opened',
  'latency-p50',
  'http-version'
] as const

function perEvent(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(value < 10 ? 2 : 0)
}

/**
 * Every technique side by side in one table: what each new event cost, by the panels' own rule
 * (all the technique's bytes and requests ÷ events published while it was on; the catch-up apart).
 */
export class SummaryView {
  #cells = new Map<TechniqueName, Map<(typeof columns)[number], HTMLElement>>()

  constructor(table: HTMLTableElement, titles: Record<TechniqueName, string>) {
    const body = table.tBodies[0] ?? table.createTBody()
    for (const name of techniqueNames) {
      const cells = new Map(columns.map((column) => [column, h('td', { 'data-column': column }, '–')] as const))
      this.#cells.set(name, cells)
      body.append(
        h(
          'tr',
          { 'data-technique': name },
          h('th', { scope: 'row' }, techniqueBadge(name), ' ', titles[name]),
          ...cells.values()
        )
      )
    }
  }

  update(panels: Panel[]): void {
    for (const panel of panels) {
      const cells = this.#cells.get(panel.name)
      const wire = panel.wire
      if (!cells || !wire) continue
      const p50 = panel.latency(50)
      const text = {
        events: String(panel.stats.publishedWhileOn),
        'catch-up': String(panel.stats.catchUp),
        'bytes-per-event': perEvent(panel.bytesPerEvent),
        'requests-per-event': perEvent(panel.requestsPerEvent),
        'connections-in-use': String(wire.openConnections),
        'connections-opened': String(wire.connectionsOpened),
        'latency-p50': p50 === undefined ? '–' : `${Math.round(p50)} ms`,
        'http-version': httpVersionOf(wire) ?? '–'
      }
      for (const [column, cell] of cells) cell.textContent = text[column]
    }
  }
}
