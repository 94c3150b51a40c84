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
