import { type TechniqueName, techniqueNames, techniques } from '../../shared/techniques.ts'
import type { PageSession } from '../platform/page-session.ts'
import { techniqueClients } from '../techniques/index.ts'
import { CaptureFeed } from '../wire/capture-feed.ts'
import { addWireTools } from '../wire/wire-tools.ts'
import { WireView } from '../wire/wire-view.ts'
import { lastHopText, Panel } from './panel-view.ts'

export const techniqueTitles = Object.fromEntries(
  techniqueNames.map((name) => [name, techniques[name].title])
) as Record<TechniqueName, string>

/**
 * Panels for `names` on this page: each shows the server's figures for it from `/wire/live`
 * and has its wire view. `on: false` leaves them off until the reader switches them on.
 * Returns the panels and the feed of what the server captured on their sockets.
 */
export function createPanels(
  session: PageSession,
  names: readonly TechniqueName[],
  on = true
): { panels: Panel[]; captured: CaptureFeed } {
  const { clientId, clock, live } = session
  const panels = names.map((name) => new Panel(name, techniqueClients[name], session, on))
  live.listen({
    report: (report) => {
      for (const panel of panels) panel.showWire(report)
    }
  })
  const captured = new CaptureFeed()
  live.listen({
    capture: (items) => captured.add(items),
    captureStatus: (status) => captured.setStatus(status),
    report: (report) => captured.setInstances(report.instances ?? [])
  })
  for (const panel of panels) {
    const servedBy = () => {
      const counts = [...panel.arrivals.servedCounts].map(([instance, count]) => `${instance} ${count}`)
      if (counts.length === 0) return undefined
      return `Answers (or connections) by instance since this page opened: ${counts.join(', ')}${lastHopText(panel.arrivals.lastHop)}.`
    }
    const view = new WireView(panel.name, techniqueTitles[panel.name], captured, clock, clientId, servedBy)
    addWireTools(panel, view, clientId)
  }
  return { panels, captured }
}

/**
 * Applies the presenter's choice of techniques to a student's panels. `mode: 'run'` (the
 * side-by-side page) runs exactly the chosen ones; `'allow'` (lessons, use cases) only
 * switches the others off and leaves the chosen ones to the reader.
 */
export function followTeacherTechniques(session: PageSession, panels: Panel[], mode: 'run' | 'allow'): void {
  let chosen: string | undefined
  session.live.listen({
    classroom: ({ techniques: allowed }) => {
      const key = allowed.join()
      if (key === chosen) return
      chosen = key
      for (const panel of panels) {
        const isAllowed = allowed.includes(panel.name)
        panel.allow(isAllowed)
        if (isAllowed && mode === 'run') panel.switch(true)
      }
    }
  })
}
