import { connectionsPerServer, keptForRequests, type PauseReason } from '../platform/connection-budget.ts'
import { h } from '../platform/dom.ts'
import type { PausedNotice } from '../techniques/transport.ts'

/** Where the lessons explain HTTP/1.1's limit of connections per server. */
export const connectionLimitLesson = '/lessons/choosing#six-connections-per-host'

/** Why a stream waits, with the figures; `short` for a race lane, which has no state badge saying "paused". */
export function pausedText({ held, elsewhere, takenOver }: PauseReason, short = false): string {
  // Where the connections are: another tab as a rule, this page alone when it opened more than its share.
  const where = elsewhere > 0 ? `, ${elsewhere} of them in another tab` : ', all of them on this page'
  if (short)
    return takenOver
      ? `paused: another stream took this connection (${held} of ${connectionsPerServer} held)`
      : `paused: this browser already holds ${held} of its ${connectionsPerServer} connections here${elsewhere > 0 ? `, ${elsewhere} in another tab` : ''}`
  const limit = `Over HTTP/1.1 a browser opens at most ${connectionsPerServer} connections to one server, and ${keptForRequests} stay free for requests`
  return takenOver
    ? `Another stream took over this connection with Take over. ${limit}: this resumes when one frees up.`
    : `This browser already holds ${held} of its ${connectionsPerServer} connections to this server${where}. ${limit}: this resumes when a stream is switched off or its tab closes.`
}

/** The reason, a button to take a connection over, and a link to the lesson that explains the limit. */
export function pausedNotice(notice: PausedNotice, short = false): HTMLElement {
  const takeOver = h(
    'button',
    { type: 'button', class: 'take-over' },
    notice.reason.takenOver ? 'Take back' : 'Take over'
  )
  takeOver.addEventListener('click', () => notice.takeOver())
  return h(
    'span',
    { class: 'paused-notice', 'data-paused': notice.reason.takenOver ? 'taken-over' : 'limit' },
    h('span', { class: 'paused-reason' }, pausedText(notice.reason, short)),
    ' ',
    takeOver,
    ' ',
    h('a', { href: connectionLimitLesson }, 'why?')
  )
}
