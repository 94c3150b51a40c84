import type { FeedClientMessage, FeedServerMessage } from '../../shared/websocket-messages.ts'
import { browserNow, h } from '../dom.ts'
import { explainWebSocketFailure, webSocketOpened } from '../origin-banner.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'

const reconnectAfterMs = 2_000

/**
 * WebSocket: one HTTP Upgrade, then frames both ways on the same connection.
 * The server pushes events; the page sends chat and pings whenever it likes.
 */
class WebSocketClient implements TechniqueClient {
  #context: ClientContext
  #socket: WebSocket | undefined
  #after: number | undefined
  #reconnect: ReturnType<typeof setTimeout> | undefined
  #pingButton = h('button', { type: 'button', name: 'ping', disabled: '' }, 'Ping')
  #roundTrip = h('output', { 'data-stat': 'round-trip' }, '–')

  constructor(context: ClientContext) {
    this.#context = context
    this.#pingButton.addEventListener('click', () => this.#ping())
    context.controls.append(this.#pingButton, ' round trip ', this.#roundTrip, ' ms (ping → pong, browser clock)')
  }

  start(): void {
    const { listener, clientId } = this.#context
    this.#close()
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const after = this.#after === undefined ? '' : `&after=${this.#after}`
    const socket = new WebSocket(`${scheme}://${location.host}/feed/websocket?client=${clientId}${after}`)
    this.#socket = socket
    listener.state('connecting')
    let opened = false
    socket.addEventListener('open', () => {
      opened = true
      webSocketOpened()
      listener.state('open')
      this.#pingButton.disabled = false
      this.#ping()
    })
    socket.addEventListener('message', (message) => this.#receive(JSON.parse(message.data) as FeedServerMessage))
    socket.addEventListener('close', (close) => {
      if (this.#socket !== socket) return // closed on purpose
      this.#pingButton.disabled = true
      listener.state('closed', `close code ${close.code}${close.reason ? `: ${close.reason}` : ''}; reconnecting`)
      // A refused handshake shows only as 1006: ask whether it was the Origin, and say so while still closed.
      if (!opened)
        void explainWebSocketFailure(clientId).then((originRefused) => {
          if (originRefused && this.#socket === socket)
            listener.state('closed', 'refused: see the banner; reconnecting')
        })
      this.#reconnect = setTimeout(() => this.start(), reconnectAfterMs)
    })
  }

  stop(): void {
    this.#close()
    this.#context.listener.state('closed')
  }

  send(message: FeedClientMessage): boolean {
    return this.#sendMessage(message)
  }

  #receive(message: FeedServerMessage): void {
    const { listener } = this.#context
    if (message.type === 'event') {
      this.#after = message.event.id
      listener.received([message.event], browserNow())
    } else if (message.type === 'reset') listener.reset()
    else if (message.type === 'pong') this.#roundTrip.value = (browserNow() - message.t).toFixed(1)
  }

  #ping(): void {
    this.#sendMessage({ type: 'ping', t: browserNow() })
  }

  #sendMessage(message: FeedClientMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  #close(): void {
    clearTimeout(this.#reconnect)
    const socket = this.#socket
    this.#socket = undefined
    this.#pingButton.disabled = true
    socket?.close(1000, 'switched off')
  }
}

export const create: CreateClient = (context) => new WebSocketClient(context)
