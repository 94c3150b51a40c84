import './views.css'
import { techniqueNames } from '../shared/techniques.ts'
import { CaptureFeed } from './capture-feed.ts'
import { Charts } from './charts.ts'
import { CostCalculator } from './cost-calculator.ts'
import { FeedControls } from './feed-controls.ts'
import { MessageForm } from './message-form.ts'
import { NetworkControls } from './network-controls.ts'
import { Panel } from './panel-view.ts'
import { SequenceDiagrams } from './sequence-diagram.ts'
import { ServerClock } from './server-clock.ts'
import { SummaryView } from './summary-view.ts'
import { techniques } from './techniques/index.ts'
import { WireLive } from './wire-live.ts'
import { addWireTools } from './wire-tools.ts'
import { WireView } from './wire-view.ts'

/** A random id for this page, so the server counts its traffic apart from every other page's. */
function randomClientId(): string {
  // getRandomValues, not randomUUID: the latter needs a secure context, and classrooms use http://<LAN-IP>.
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

const clientId = randomClientId()
document.body.dataset.client = clientId
const clock = new ServerClock()

const panels = techniqueNames.map((name) => new Panel(name, techniques[name], clientId, clock))
document.querySelector('#panels')?.append(...panels.map((panel) => panel.element))

const titles = Object.fromEntries(techniqueNames.map((name) => [name, techniques[name].title])) as Record<
  (typeof techniqueNames)[number],
  string
>
const summaryTable = document.querySelector<HTMLTableElement>('#summary')
const summary = summaryTable ? new SummaryView(summaryTable, titles) : undefined
const latestId = document.querySelector('#feed-latest')
const clockOffset = document.querySelector('#clock-offset')

const wireLive = new WireLive(clientId, clock)
wireLive.listen({
  report: (report) => {
    for (const panel of panels) panel.showWire(report.techniques[panel.name], report.latest)
    summary?.update(panels)
    if (latestId) latestId.textContent = String(report.latest)
    if (clockOffset && clock.samples > 0)
      clockOffset.textContent = `${clock.offset.toFixed(1)} ms ± ${clock.uncertainty.toFixed(1)} ms`
  }
})
wireLive.start()

const websocketPanel = panels.find((panel) => panel.name === 'websocket')
if (websocketPanel) new MessageForm(clientId, wireLive, websocketPanel.client)
void new FeedControls(clientId).load()

const networkControls = document.querySelector('#network-controls')
if (networkControls) new NetworkControls(networkControls, clientId, wireLive)
const chartsSection = document.querySelector('#charts')
if (chartsSection) new Charts(chartsSection, panels, titles, clock, wireLive)
const costSection = document.querySelector('#cost')
if (costSection) void new CostCalculator(costSection, clientId, titles, wireLive).load()

// What the server captured on this page's sockets: each panel's wire view and the sequence diagrams.
const captured = new CaptureFeed()
wireLive.listen({ capture: (items) => captured.add(items) })
for (const panel of panels)
  addWireTools(panel, new WireView(panel.name, titles[panel.name], captured, clock, clientId), clientId)
const diagramsSection = document.querySelector('#diagrams')
if (diagramsSection) new SequenceDiagrams(diagramsSection, titles, captured, clock)
