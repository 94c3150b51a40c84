import type { CaptureItem, CaptureStatus, NetworkConditions } from './capture.ts'
import type { ClassroomState } from './classroom.ts'
import type { FeedEvent } from './feed-event.ts'
import type { TickerSettings } from './ticker-settings.ts'
import type { WireReport } from './wire-stats.ts'

/** Messages the server sends on `/feed/websocket`. */
export type FeedServerMessage =
  | { type: 'event'; event: FeedEvent }
  | { type: 'reset' }
  | { type: 'pong'; t: number }
  /** With several instances (REDIS_URL): the instance this socket is on, sent first. */
  | { type: 'instance'; name: string }

/** Messages a client may send on `/feed/websocket`. Anything else closes the socket with a code. */
export type FeedClientMessage =
  | { type: 'chat'; text: string; name?: string }
  | { type: 'ping'; t: number }
  /** A player's dot on the shared game board, 0–1 on each axis. */
  | { type: 'move'; player: string; name?: string; x: number; y: number }

/** Messages the server sends on `/wire/live`, the page's own stats channel. */
export type WireLiveServerMessage =
  | { type: 'report'; report: WireReport }
  | { type: 'clock'; t: number; server: number }
  /** Items captured on this page's technique sockets since the last such message (see `CaptureItem`). */
  | { type: 'capture'; items: CaptureItem[] }
  /**
   * Whether this page's technique sockets are captured: the server keeps the wire of at most `maxPages`
   * pages, so in a bigger room a page may not be. Sent when a page is not captured, and when that changes.
   */
  | ({ type: 'capture-status' } & CaptureStatus)
  /** The simulated network conditions: sent on open and whenever they change. */
  | { type: 'network'; network: NetworkConditions }
  /** What the presenter has set for the room: sent on open and whenever it changes. */
  | { type: 'classroom'; classroom: ClassroomState }
  /** The feed's rate and pause: sent on open and whenever they change. */
  | { type: 'ticker'; ticker: TickerSettings }
  /**
   * Every event the feed published since the last such message (id and server timestamp only), at most
   * twice a second: the race view's "feed" row, drawn from the server's own record, whatever the panels got.
   */
  | { type: 'published'; events: PublishedEvent[] }
  /**
   * With several instances (REDIS_URL): whether this instance reaches the store that numbers the feed's
   * events. Sent on open and when it changes; while it is false nothing is published, anywhere this instance serves.
   */
  | { type: 'feed-store'; reachable: boolean }

/** An event as the feed published it, without its data. */
export interface PublishedEvent {
  id: number
  /** Server clock when it was published, epoch ms. */
  at: number
}

/** Messages a page sends on `/wire/live`. */
export type WireLiveClientMessage = { type: 'clock'; t: number }

/** Close codes the server uses, with RFC 6455 meanings. */
export const closeCodes = {
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013
} as const
