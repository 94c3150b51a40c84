import type { FeedEvent } from '../../shared/feed-event.ts'

/** Called with every event published after subscribing. */
export type FeedListener = (event: FeedEvent) => void

/**
 * Receives, in order and exactly once, every event after the cursor it joined with; `reset` when
 * some before them were lost (the shared store lost or trimmed them before this instance read them).
 */
export type Deliver = (events: FeedEvent[], reset: boolean) => void

/**
 * Called once when a listener or a delivery threw: the feed has already let go of it, and this
 * closes that one connection (and logs why). The feed and every other connection carry on.
 */
export type DeliveryFailed = (error: unknown) => void

/** What `since(cursor)` returns: the events after the cursor, and whether some were lost. */
export interface Catchup {
  events: FeedEvent[]
  /** True when the cursor is older than the kept history (or newer than the feed): events were missed. */
  reset: boolean
}

/**
 * Where the feed's sources (ticker, chat, jobs, game) put new events: the in-memory `Feed` numbers
 * them at once; the shared feed has Redis number them, and fails while Redis is unreachable.
 */
export interface FeedPublisher {
  publish(kind: FeedEvent['kind'], data: FeedEvent['data']): FeedEvent | Promise<FeedEvent>
}
