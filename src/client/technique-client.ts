import type { FeedEvent } from '../shared/feed-event.ts'
import type { FeedClientMessage } from '../shared/websocket-messages.ts'

/** What a panel says about its technique's connection right now. */
export type ClientState = 'connecting' | 'open' | 'waiting' | 'idle' | 'closed' | 'error'

/** How a technique client reports back. The panel implements it and knows nothing of the technique. */
export interface ClientListener {
  /** Events that arrived (oldest first) and the browser's clock, epoch ms, when they did. */
  received(events: FeedEvent[], receivedAt: number): void
  /** An answer came back with no event in it (an empty poll, a long poll's timeout), at `receivedAt`. */
  emptyAnswer?(receivedAt: number): void
  /** The server no longer had the events after our cursor: some were missed, and it said so. */
  reset(): void
  state(state: ClientState, detail?: string): void
}

export interface ClientContext {
  /** This page's random id, put on every request so the server counts its traffic apart. */
  clientId: string
  listener: ClientListener
  /** Where the technique puts its own controls (buttons, inputs). */
  controls: HTMLElement
}

/** One way of getting the feed. `start` and `stop` are the panel's on/off switch: off means no traffic at all. */
export interface TechniqueClient {
  start(): void
  stop(): void
  /** The manual techniques: ask now, once, as their button does. */
  fetchNow?(): void
  /** Techniques whose connection carries client → server messages too (full duplex): chat, game moves. */
  send?(message: FeedClientMessage): boolean
}

/** Makes a technique's browser client; what the technique IS (title, traits) is declared in src/shared/techniques.ts. */
export type CreateClient = (context: ClientContext) => TechniqueClient
