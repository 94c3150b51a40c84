import type { FeedEvent } from '../../shared/feed-event.ts'
import type { FeedClientMessage } from '../../shared/websocket-messages.ts'
import type { PauseReason } from '../platform/connection-budget.ts'

/** What a panel says about its technique's connection right now. */
export type ClientState = 'connecting' | 'open' | 'waiting' | 'idle' | 'closed' | 'error' | 'paused'

/** A held response that this browser's HTTP/1.1 connections cannot carry now (see connection-budget.ts). */
export interface PausedNotice {
  reason: PauseReason
  /** Takes a connection from another tab. */
  takeOver(): void
}

/** How a transport reports back. The panel implements it and knows nothing of the technique. */
export interface ClientListener {
  /** Events that arrived (oldest first) and the clock, epoch ms, when they did. */
  received(events: FeedEvent[], receivedAt: number): void
  /** An answer came back with no event in it (an empty poll, a long poll's timeout), at `receivedAt`. */
  emptyAnswer?(receivedAt: number): void
  /** The server no longer had the events after our cursor: some were missed, and it said so. */
  reset(): void
  state(state: ClientState, detail?: string): void
  /** On, but waiting for a connection; it resumes by itself when one is free. */
  paused?(notice: PausedNotice): void
  /**
   * A request was handed to the browser at `since` (epoch ms), or, with undefined, it was answered or
   * given up: a request that the server has not seen after a while is queued in the browser.
   */
  asking?(since: number | undefined): void
  /**
   * The answer's head (status and headers) to a request handed to the browser at `sentAt` arrived at
   * `answeredAt` (both epoch ms, browser clock): that request's response time, as this page saw it.
   */
  answered?(sentAt: number, answeredAt: number): void
  /**
   * With several instances behind a balancer: `instance` served the answer (or the connection) that
   * arrived at `at` (browser clock, epoch ms). A change from the last one is a hop between instances.
   */
  servedBy?(instance: string, at: number): void
}

/** The response header naming the instance that answered (several instances behind a balancer). */
export const instanceHeader = 'wirewatch-instance'

/**
 * The web platform a transport talks through. A page hands it the browser's own (`pageIo`); Node
 * tests, the soak and the bench hand it Node's `fetch` and the `ws` and `eventsource` packages,
 * so they run the very code a page runs.
 */
export interface TransportIo {
  /** The server's origin: the page's own in a browser, e.g. `http://127.0.0.1:3000` from Node. */
  origin: string
  fetch: typeof globalThis.fetch
  EventSource: new (url: string) => EventSource
  WebSocket: new (url: string) => WebSocket
}

/** The browser's own fetch, EventSource and WebSocket, against the page's origin. */
export function pageIo(): TransportIo {
  return {
    origin: location.origin,
    fetch: (...request) => fetch(...request),
    EventSource,
    WebSocket
  }
}

export interface ClientContext {
  /** This page's random id, put on every request so the server counts its traffic apart. */
  clientId: string
  listener: ClientListener
  io: TransportIo
  /** The last event id already had, to resume after; undefined: start from the server's recent backlog. */
  after?: number
}

/**
 * One way of getting the feed, headless: no element of its own, so a panel, a test or the soak
 * can drive it. `start` and `stop` are the panel's on/off switch: off means no traffic at all.
 * `settings` are read at each step, so a change applies from the next request on.
 */
export interface Transport<Settings extends object = object> {
  readonly settings: Settings
  start(): void
  stop(): void
  /** The manual techniques: ask now, once, as their button does. */
  fetchNow?(): void
  /** Techniques whose connection carries client → server messages too (full duplex): chat, game moves. */
  send?(message: FeedClientMessage): boolean
}

/** What a technique's controls need to hear: the transport's state, to enable what makes sense now. */
export interface ControlsView {
  state?(state: ClientState): void
}

/**
 * What every technique's browser client file `src/client/techniques/<name>.ts` exports: the
 * transport, and its controls (buttons, inputs) as a separate view that writes its settings.
 * What the technique IS (title, traits) is declared in src/shared/techniques.ts.
 */
export interface ClientModule<T extends Transport = Transport> {
  create(context: ClientContext): T
  controls(transport: T, into: HTMLElement): ControlsView
}

/** A URL on the server, from a path and query; undefined values are left out. */
export function serverUrl(
  io: TransportIo,
  path: string,
  query: Record<string, string | number | undefined>,
  scheme: 'http' | 'ws' = 'http'
): string {
  const url = new URL(path, io.origin)
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value))
  if (scheme === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}
