import { limits } from '../../shared/feed-event.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import { ask } from '../platform/ask.ts'
import type { WireLive } from '../platform/wire-live.ts'
import type { Transport } from '../techniques/transport.ts'

/**
 * The chat box: sends a message by `POST /feed/messages` or over the WebSocket
 * panel's own connection, then shows what it cost, read from the server's
 * counters before and after (so the figure is measured, not computed).
 */
export class MessageForm {
  #form: HTMLFormElement
  #text: HTMLInputElement
  #via: HTMLSelectElement
  #cost: HTMLOutputElement
  #clientId: string
  #wireLive: WireLive
  #websocket: Transport

  constructor(clientId: string, wireLive: WireLive, websocket: Transport) {
    this.#clientId = clientId
    this.#wireLive = wireLive
    this.#websocket = websocket
    this.#form = document.querySelector<HTMLFormElement>('#message-form') ?? fail('#message-form')
    this.#text = this.#form.querySelector<HTMLInputElement>('#message-text') ?? fail('#message-text')
    this.#via = this.#form.querySelector<HTMLSelectElement>('#message-via') ?? fail('#message-via')
    this.#cost = this.#form.querySelector<HTMLOutputElement>('#message-cost') ?? fail('#message-cost')
    this.#text.maxLength = limits.chatTextMax
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.#send()
    })
  }

  async #send(): Promise<void> {
    const text = this.#text.value.trim()
    if (!text) return this.#say('Type a message first.')
    const before = this.#wireLive.latest
    if (!before) return this.#say('Waiting for the first figures from the server; try again in a second.')
    if (this.#via.value === 'websocket') return this.#sendByWebSocket(text, before)
    return this.#sendByPost(text, before)
  }

  async #sendByPost(text: string, before: WireReport): Promise<void> {
    const sent = await ask(() =>
      fetch(`/feed/messages?client=${this.#clientId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text })
      })
    )
    if (!sent.ok) return this.#say(`Not sent: ${sent.why}.`)
    this.#text.value = ''
    const was = before.other.messages
    const after = await this.#wireLive.until((report) => report.other.messages.requests > was.requests)
    if (!after) return this.#say('Sent; the server has not reported its cost yet.')
    const now = after.other.messages
    this.#say(
      `POST cost ${now.bytesIn - was.bytesIn} bytes in (request line, headers, JSON body) and ` +
        `${now.bytesOut - was.bytesOut} bytes out (status line, headers, the event as JSON), measured at the server's socket.`
    )
  }

  async #sendByWebSocket(text: string, before: WireReport): Promise<void> {
    if (!this.#websocket.send?.({ type: 'chat', text }))
      return this.#say('The WebSocket panel is not connected: switch it on first.')
    this.#text.value = ''
    const was = before.techniques.websocket
    const after = await this.#wireLive.until((report) => report.techniques.websocket.bytesIn > was.bytesIn)
    if (!after) return this.#say('Sent; the server has not reported its cost yet.')
    const frame = after.techniques.websocket.bytesIn - was.bytesIn
    const payload = new TextEncoder().encode(JSON.stringify({ type: 'chat', text })).length
    this.#say(
      `WebSocket cost ${frame} bytes in, measured at the server's socket: one masked frame, ` +
        `${payload} bytes of JSON plus ${frame - payload} bytes of frame header and mask. No reply needed.`
    )
  }

  #say(text: string): void {
    this.#cost.value = text
  }
}

function fail(selector: string): never {
  throw new Error(`the page lacks ${selector}`)
}
