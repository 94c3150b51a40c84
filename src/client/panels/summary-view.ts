import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { h } from '../platform/dom.ts'
import { techniqueBadge } from '../platform/technique-look.ts'
import type { Panel } from './panel-view.ts'

const columns = [
  'events',
  'bytes-per-event',
  'requests-per-event',
  'connections-in-use',
  'connections-opened',
  'latency-p50'
] as const

function perEvent(total: number, events: number): string {
  return events > 0 ? (total / events).toFixed(total / events < 10 ? 2 : 0) : '–'
}

/** Every technique side by side in one table: what each delivered event cost. */
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
      const events = panel.eventsReceived
      const p50 = panel.latency(50)
      const text = {
        events: String(events),
        'bytes-per-event': perEvent(wire.bytesIn + wire.bytesOut, events),
        'requests-per-event': perEvent(wire.requests, events),
        'connections-in-use': String(wire.openConnections),
        'connections-opened': String(wire.connectionsOpened),
        'latency-p50': p50 === undefined ? '–' : `${Math.round(p50)} ms`
      }
      for (const [column, cell] of cells) cell.textContent = text[column]
    }
  }
}
