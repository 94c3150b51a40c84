import type { FeedClientMessage, FeedServerMessage } from '../../shared/websocket-messages.ts'
import { browserNow, h } from '../platform/dom.ts'
import { explainWebSocketFailure, webSocketOpened } from '../platform/origin-banner.ts'
import { type ClientContext, type ControlsView, serverUrl, type Transport } from './transport.ts'

export interface WebSocketSettings {
  /** After the socket closes (not on purpose), open a new one from our cursor after this long. */
  reconnectMs: number
}

/** ws's readyState for an open socket, the same number as the browser's `WebSocket.OPEN`. */
const open = 1

/**
 * WebSocket: one HTTP Upgrade, then frames both ways on the same connection.
 * The server pushes events; the page sends chat and pings whenever it likes.
 */
class WebSocketTransport implements Transport<WebSocketSettings> {
  readonly settings: WebSocketSettings = { reconnectMs: 2_000 }
  /** The last ping's round trip, ms, on this clock; told to `onRoundTrip` as each pong arrives. */
  roundTripMs: number | undefined
  onRoundTrip: ((ms: number) => void) | undefined
  /** The socket closed before it ever opened: the handshake was refused (or never reached the server). */
  onRefused: ((clientId: string) => void) | undefined
  #context: ClientContext
  #socket: WebSocket | undefined
  #after: number | undefined
  #reconnect: ReturnType<typeof setTimeout> | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
  }

  start(): void {
    const { listener, clientId, io } = this.#context
    this.#close()
    const url = serverUrl(io, '/feed/websocket', { client: clientId, after: this.#after }, 'ws')
    const socket = new io.WebSocket(url)
    this.#socket = socket
    listener.state('connecting')
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      listener.state('open')
    })
    socket.addEventListener('message', (message) => this.#receive(JSON.parse(message.data) as FeedServerMessage))
    socket.addEventListener('close', (close) => {
      if (this.#socket !== socket) return // closed on purpose
      listener.state('closed', `close code ${close.code}${close.reason ? `: ${close.reason}` : ''}; reconnecting`)
      if (!opened) this.onRefused?.(clientId)
      this.#reconnect = setTimeout(() => this.start(), this.settings.reconnectMs)
    })
    // Without a listener, ws (in Node) throws a failed connection as an uncaught error; close follows it.
    socket.addEventListener('error', () => {})
  }

  stop(): void {
    this.#close()
    this.#context.listener.state('closed')
  }

  send(message: FeedClientMessage): boolean {
    if (this.#socket?.readyState !== open) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  /** Sends a ping with this clock's time; the pong brings it back. */
  ping(): void {
    this.send({ type: 'ping', t: browserNow() })
  }

  #receive(message: FeedServerMessage): void {
    const { listener } = this.#context
    if (message.type === 'event') {
      this.#after = message.event.id
      listener.received([message.event], browserNow())
    } else if (message.type === 'reset') listener.reset()
    else if (message.type === 'instance') listener.servedBy?.(message.name, browserNow())
    else if (message.type === 'pong') {
      this.roundTripMs = browserNow() - message.t
      this.onRoundTrip?.(this.roundTripMs)
    }
  }

  #close(): void {
    clearTimeout(this.#reconnect)
    const socket = this.#socket
    this.#socket = undefined
    socket?.close(1000, 'switched off')
  }
}

export const create = (context: ClientContext): WebSocketTransport => new WebSocketTransport(context)

/** When the page pings by itself once connected, so the round trip has a value before anyone presses Ping. */
const firstPingAfterMs = 3_000

export function controls(transport: WebSocketTransport, into: HTMLElement): ControlsView {
  const pingButton = h('button', { type: 'button', name: 'ping', disabled: '' }, 'Ping')
  const roundTrip = h('output', { 'data-stat': 'round-trip' }, '–')
  const refused = h('span', { class: 'state-detail', hidden: '' }, 'refused: see the banner')
  pingButton.addEventListener('click', () => transport.ping())
  transport.onRoundTrip = (ms) => (roundTrip.value = ms.toFixed(1))
  // A refused handshake shows only as 1006: ask the server whether it was the Origin, and say so.
  transport.onRefused = (clientId) =>
    void explainWebSocketFailure(clientId).then((originRefused) => (refused.hidden = !originRefused))
  into.append(pingButton, ' round trip ', roundTrip, ' ms (ping → pong, browser clock) ', refused)
  let firstPing: ReturnType<typeof setTimeout> | undefined
  return {
    state(state) {
      pingButton.disabled = state !== 'open'
      clearTimeout(firstPing)
      if (state === 'open') {
        webSocketOpened()
        refused.hidden = true
        // Not at open: the page is still drawing the catch-up then, and the pong waits behind it
        // (170 ms measured at open, 5–11 ms a few seconds later on the same page).
        firstPing = setTimeout(() => transport.ping(), firstPingAfterMs)
      }
    }
  }
}
