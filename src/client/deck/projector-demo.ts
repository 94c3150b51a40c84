import './projector-demo.css'
import type { MeasurableFigure } from '../../shared/prediction.ts'
import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import type { Panel } from '../panels/panel-view.ts'
import { createPanels } from '../panels/technique-panels.ts'
import type { PageSession } from '../platform/page-session.ts'
import { raceFigures } from '../race/race-figures.ts'
import { RaceView } from '../race/race-view.ts'
import type { ProjectorMeasured } from './presenter-channel.ts'

const measuredEveryMs = 1_000

/**
 * The projector's live demos. One panel per technique for the whole session (off until a demo
 * slide shows it); a demo slide gets that technique's race lane and its panel, side by side.
 * Only the technique on the slide runs, so the room's figures are its alone.
 */
export class ProjectorDemos {
  #panels: Map<TechniqueName, Panel>
  #races = new Map<TechniqueName, RaceView>()
  #running: TechniqueName | undefined

  constructor(session: PageSession, channel: BroadcastChannel | undefined) {
    const { panels } = createPanels(session, techniqueNames, false)
    this.#panels = new Map(panels.map((panel) => [panel.name, panel]))
    // Made now, so each hears the feed's settings and publications from the start.
    for (const panel of panels) {
      const race = new RaceView([panel], session.clock, session.live)
      // One lane: the race view's "N ways" heading would read "One ways".
      const title = race.element.querySelector('h1')
      if (title) title.textContent = 'Live: events arriving in this page'
      this.#races.set(panel.name, race)
    }
    if (channel) setInterval(() => channel.postMessage(this.#measured()), measuredEveryMs)
  }

  /** Puts the live demo of `technique` into a demo slide's body; `run: false` while the room still predicts. */
  show(slot: HTMLElement, technique: TechniqueName, run: boolean): void {
    const panel = this.#panels.get(technique)
    if (!panel) return
    const race = this.#races.get(technique)
    if (!race) return
    slot.replaceChildren(race.element, panel.element)
    this.run(run ? technique : undefined)
  }

  /** Runs only `technique` (none when undefined): leaving a demo slide stops its traffic. */
  run(technique: TechniqueName | undefined): void {
    if (technique === this.#running) return
    this.#running = technique
    for (const [name, panel] of this.#panels) panel.switch(name === technique)
  }

  #measured(): ProjectorMeasured {
    const values: ProjectorMeasured['values'] = {}
    for (const [name, panel] of this.#panels) {
      if (!panel.on) continue
      const figures: Partial<Record<MeasurableFigure, number>> = {}
      for (const figure of raceFigures) {
        const value = figure.value(panel)
        if (value !== undefined && Number.isFinite(value)) figures[figure.key] = Number(figure.dataValue(value))
      }
      const responseTime = panel.responseTime(50)
      if (responseTime !== undefined) figures['response-time-p50'] = Math.round(responseTime)
      values[name] = figures
    }
    return { type: 'measured', at: Date.now(), values }
  }
}
