import './views.css'
import { techniqueNames, techniques } from '../../shared/techniques.ts'
import { Charts } from '../charts/charts.ts'
import { CostCalculator } from '../cost/cost-calculator.ts'
import { SixConnections } from '../demos/six-connections.ts'
import { SequenceDiagrams } from '../diagrams/sequence-diagrams.ts'
import { connectionsNowText } from '../panels/http-version.ts'
import { MessageForm } from '../panels/message-form.ts'
import { SummaryView } from '../panels/summary-view.ts'
import { createPanels, followTeacherTechniques, techniqueTitles } from '../panels/technique-panels.ts'
import { PageSession } from '../platform/page-session.ts'
import { RaceView } from '../race/race-view.ts'
import { ClassroomBar } from '../room/classroom-bar.ts'
import { FeedControls } from '../room/feed-controls.ts'
import { NetworkControls } from '../room/network-controls.ts'

// The side-by-side page: the race view, then a panel per technique, their figures, diagrams, charts, the cost
// calculator and the six-connection demo.
const session = new PageSession()
const { clientId, clock, live } = session
new ClassroomBar(live)

const { panels, captured } = createPanels(session, techniqueNames)
document.querySelector('#panels')?.append(...panels.map((panel) => panel.element))
followTeacherTechniques(session, panels, 'run')
const race = new RaceView(panels, clock, live)
document.querySelector('#race-slot')?.replaceWith(race.element)

const summaryTable = document.querySelector<HTMLTableElement>('#summary')
const summary = summaryTable ? new SummaryView(summaryTable, techniqueTitles) : undefined
const connectionsNow = document.querySelector<HTMLElement>('#connections-now')
const latestId = document.querySelector('#feed-latest')
const clockOffset = document.querySelector('#clock-offset')
live.listen({
  report: (report) => {
    summary?.update(panels)
    const connections = connectionsNowText(report)
    if (connectionsNow && connections && report.connectionsNow) {
      connectionsNow.textContent = connections
      connectionsNow.dataset.http1 = String(report.connectionsNow.http1)
      connectionsNow.dataset.http2 = String(report.connectionsNow.http2)
    }
    if (latestId) latestId.textContent = String(report.latest)
    if (clockOffset && clock.samples > 0)
      clockOffset.textContent = `${clock.offset.toFixed(1)} ms ± ${clock.uncertainty.toFixed(1)} ms`
  }
})

// Chat can go over the connection of a technique that sends both ways.
const duplexPanel = panels.find((panel) => techniques[panel.name].duplex)
if (duplexPanel) new MessageForm(clientId, live, duplexPanel.client)
new FeedControls(clientId, live)

const networkControls = document.querySelector('#network-controls')
if (networkControls) new NetworkControls(networkControls, clientId, live).quietWhileShown(race.conditions)
const chartsSection = document.querySelector('#charts')
if (chartsSection) new Charts(chartsSection, panels, techniqueTitles, clock, live)
const costSection = document.querySelector('#cost')
if (costSection) {
  const deliveries = (name: string) => panels.find((panel) => panel.name === name)?.stats
  void new CostCalculator(costSection, clientId, techniqueTitles, live, deliveries).load()
}
const sixConnections = document.querySelector<HTMLElement>('#six-connections')
if (sixConnections)
  new SixConnections(sixConnections, {
    budget: session.connections,
    latestId: () => live.latest?.latest,
    pageId: clientId
  })
const diagramsSection = document.querySelector('#diagrams')
if (diagramsSection) new SequenceDiagrams(diagramsSection, techniqueTitles, captured, clock)

live.start()
