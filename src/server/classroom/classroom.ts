import type { ClassroomChange, ClassroomState } from '../../shared/classroom.ts'
import type { PredictionState } from '../../shared/prediction.ts'
import { techniqueNames } from '../../shared/techniques.ts'

/**
 * What the presenter has set for the room. Pages hear every change over `/wire/live`
 * and apply it themselves (follow the lesson, switch techniques off, show the announcement).
 */
export class Classroom {
  #state: ClassroomState = {
    lesson: null,
    section: '',
    slide: 0,
    blank: false,
    techniques: [...techniqueNames],
    announcement: '',
    networkCutUntil: 0,
    prediction: null,
    revision: 0
  }
  #listeners = new Set<(state: ClassroomState) => void>()

  get state(): ClassroomState {
    return { ...this.#state, techniques: [...this.#state.techniques] }
  }

  update(change: ClassroomChange): ClassroomState {
    const next = { ...this.#state, ...change }
    // Moving to another lesson starts at its title unless a section is given; another section at its first slide.
    if (change.lesson !== undefined && change.lesson !== this.#state.lesson && change.section === undefined)
      next.section = ''
    if (next.section !== this.#state.section && change.slide === undefined) next.slide = 0
    if (change.techniques) next.techniques = techniqueNames.filter((name) => change.techniques?.includes(name))
    if (change.announcement !== undefined) next.announcement = change.announcement.trim()
    this.#state = next
    this.#changed()
    return this.state
  }

  /** The network is cut for every page until `until` (epoch ms). */
  cutNetworkUntil(until: number): ClassroomState {
    this.#state.networkCutUntil = until
    this.#changed()
    return this.state
  }

  /** The room's current question (opened, answered, closed, revealed), or null when there is none. */
  setPrediction(prediction: PredictionState | null): ClassroomState {
    this.#state.prediction = prediction
    this.#changed()
    return this.state
  }

  get networkCut(): boolean {
    return Date.now() < this.#state.networkCutUntil
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: (state: ClassroomState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #changed(): void {
    this.#state.revision++
    const state = this.state
    for (const listener of this.#listeners) listener(state)
  }
}
