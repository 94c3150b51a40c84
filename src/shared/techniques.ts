/**
 * The six ways a browser can get the feed, in the order they appeared on the web.
 * One name each, used as registry key, URL path (`/feed/<name>`), DOM id, lesson and test name.
 */
export const techniqueNames = ['refresh', 'ajax', 'polling', 'long-polling', 'sse', 'websocket'] as const

export type TechniqueName = (typeof techniqueNames)[number]

/** Traffic that belongs to no technique: the page itself (static files, stats) and chat messages sent by POST. */
export const otherRowNames = ['page', 'messages'] as const

export type OtherRowName = (typeof otherRowNames)[number]

export type RowName = TechniqueName | OtherRowName

export function isTechniqueName(name: string): name is TechniqueName {
  return (techniqueNames as readonly string[]).includes(name)
}

/** Marks drawn for a technique's events in the race view, the diagrams and the legends. */
export type MarkShape = 'square' | 'diamond' | 'triangle' | 'triangle-down' | 'circle' | 'plus'

/**
 * How a technique is recognised everywhere it appears. The colour is the CSS variable
 * `--<name>` (the Okabe–Ito palette, told apart with the common colour-vision deficiencies);
 * the letter and the shape make sure colour is never the only cue.
 */
export interface TechniqueLook {
  letter: string
  shape: MarkShape
}

export const techniqueLooks: Record<TechniqueName, TechniqueLook> = {
  refresh: { letter: 'R', shape: 'square' },
  ajax: { letter: 'A', shape: 'diamond' },
  polling: { letter: 'P', shape: 'triangle' },
  'long-polling': { letter: 'L', shape: 'triangle-down' },
  sse: { letter: 'S', shape: 'circle' },
  websocket: { letter: 'W', shape: 'plus' }
}
