import type { MeasurableFigure } from '../../shared/prediction.ts'
import type { TechniqueName } from '../../shared/techniques.ts'

/** What the projector tells a console open in the same browser: the race figures it measures now. */
export interface ProjectorMeasured {
  type: 'measured'
  /** Browser time of the reading, epoch ms. */
  at: number
  /** Per running technique, each race figure's `data-value` as a number (absent while not known). */
  values: Partial<Record<TechniqueName, Partial<Record<MeasurableFigure, number>>>>
}

/**
 * The line between the teacher's windows of one browser (the projector and the console it opened),
 * so the console can send, on a reveal, the value the projector measured in front of the room.
 * A console on another device hears nothing, and says so.
 */
export function presenterChannel(): BroadcastChannel | undefined {
  return typeof BroadcastChannel === 'function' ? new BroadcastChannel('wirewatch-presenter') : undefined
}
