import type { ClassroomChange, ClassroomState } from '../../shared/classroom.ts'
import type { PredictionState } from '../../shared/prediction.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import { RoomStoreUnavailable } from '../errors.ts'
import { type PredictionBook, PredictionStore } from './predictions.ts'

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
  #reachable: () => boolean = () => true

  /** Where the room's question and its answers are kept: in memory, or in Redis when instances share the room. */
  predictions: PredictionBook = new PredictionStore()

  get state(): ClassroomState {
    return { ...this.#state, techniques: [...this.#state.techniques] }
  }

  update(change: ClassroomChange): ClassroomState {
    this.#checkReachable()
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
    this.#checkReachable()
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

  /**
   * Another instance's state, taken whole, its revision included (instances sharing a room count
   * changes on one counter, see shared-room.ts): listeners hear it as any other change.
   */
  replace(state: ClassroomState): ClassroomState {
    this.#state = { ...state, techniques: [...state.techniques] }
    this.#notify()
    return this.state
  }

  /**
   * From now on the presenter's changes (`update`, `cutNetworkUntil`) are refused with
   * `RoomStoreUnavailable` while `reachable()` is false: a change the other instances' pages
   * cannot hear is not made at all, so the teacher's click fails visibly instead of splitting the room.
   * Returns the function that lifts this.
   */
  requireReachable(reachable: () => boolean): () => void {
    this.#reachable = reachable
    return () => {
      if (this.#reachable === reachable) this.#reachable = () => true
    }
  }

  get networkCut(): boolean {
    return Date.now() < this.#state.networkCutUntil
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: (state: ClassroomState) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #checkReachable(): void {
    if (!this.#reachable()) throw new RoomStoreUnavailable()
  }

  #changed(): void {
    this.#state.revision++
    this.#notify()
  }

  #notify(): void {
    const state = this.state
    for (const listener of this.#listeners) listener(state)
  }
}
