import type { Panel } from '../panels/panel-view.ts'
import { h } from '../platform/dom.ts'
import type { WireView } from './wire-view.ts'

/** A panel's "wire" button (opens what its socket carried) and "drop connection" button (cuts it on the server). */
export function addWireTools(panel: Panel, view: WireView, clientId: string): void {
  const open = h('button', { type: 'button', class: 'open-wire' }, 'wire')
  open.setAttribute('aria-label', `show what ${panel.name} sent on the wire`)
  open.addEventListener('click', () => view.open())

  const drop = h('button', { type: 'button', class: 'drop' }, 'drop connection')
  drop.setAttribute('aria-label', `drop ${panel.name}'s connections now`)
  const said = h('span', { class: 'drop-result', role: 'status' })
  drop.addEventListener('click', async () => {
    try {
      const response = await fetch(`/wire/drop?client=${clientId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client: clientId, technique: panel.name })
      })
      const answer = (await response.json()) as { dropped?: number; message?: string }
      said.textContent = response.ok
        ? `the server cut ${answer.dropped} connection${answer.dropped === 1 ? '' : 's'}`
        : `refused: ${answer.message}`
    } catch (error) {
      said.textContent = `could not ask the server: ${(error as Error).message}`
    }
  })
  panel.tools.append(open, drop, said)
}
