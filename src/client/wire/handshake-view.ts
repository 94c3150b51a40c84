import type { HandshakeExplained } from '../../shared/capture.ts'
import { ask } from '../platform/ask.ts'
import { h } from '../platform/dom.ts'

/** base64 of raw bytes, as `Sec-WebSocket-Accept` carries them. */
function base64Of(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
}

function hexOf(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * RFC 6455's opening handshake for this page's own WebSocket, step by step:
 * the browser's random `Sec-WebSocket-Key`, the fixed GUID, SHA-1, base64, and
 * the check that the server sent exactly that as `Sec-WebSocket-Accept`.
 * The server redoes the computation from the captured heads; where the browser
 * can (secure contexts have `crypto.subtle`), it is redone here too.
 */
export class HandshakeView {
  readonly element = h('section', { class: 'handshake', 'aria-label': 'the WebSocket handshake, step by step' })
  readonly #clientId: string

  constructor(clientId: string) {
    this.#clientId = clientId
  }

  async load(): Promise<void> {
    const asked = await ask(() => fetch(`/wire/handshake?client=${this.#clientId}`))
    if (!asked.ok) {
      const why =
        asked.status === 404
          ? 'No WebSocket handshake captured for this page yet: switch the panel on.'
          : `The handshake could not be loaded: ${asked.why}.`
      this.element.replaceChildren(h('p', {}, why))
      return
    }
    const steps = (await asked.response.json()) as HandshakeExplained
    this.element.replaceChildren(...this.#render(steps), await this.#browserCheck(steps))
  }

  #render(steps: HandshakeExplained): HTMLElement[] {
    const rows: [string, string][] = [
      ['1. the browser’s random key (Sec-WebSocket-Key)', steps.key],
      ['2. the fixed GUID of RFC 6455', steps.guid],
      ['3. key + GUID', steps.concatenated],
      ['4. SHA-1 of that (20 bytes, hex)', steps.sha1Hex],
      ['5. base64 of those 20 bytes: the Accept to expect', steps.expectedAccept],
      ['6. what the server sent in its 101 (Sec-WebSocket-Accept)', steps.sentAccept]
    ]
    return [
      h('h3', {}, `The opening handshake of connection #${steps.connection}`),
      h(
        'dl',
        { class: 'steps' },
        ...rows.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, h('code', {}, value))])
      ),
      h(
        'p',
        { class: `verdict ${steps.matches ? 'ok' : 'bad'}`, 'data-matches': String(steps.matches) },
        steps.matches ? '✓ equal: the server proved it speaks WebSocket' : '✗ not equal'
      )
    ]
  }

  async #browserCheck(steps: HandshakeExplained): Promise<HTMLElement> {
    if (!globalThis.crypto?.subtle)
      return h(
        'p',
        { class: 'browser-check' },
        'Your browser cannot redo the SHA-1 here: crypto.subtle exists only in secure contexts (https, or localhost), not on http://<LAN address>.'
      )
    const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(steps.key + steps.guid))
    const agrees = hexOf(digest) === steps.sha1Hex && base64Of(digest) === steps.sentAccept
    return h(
      'p',
      { class: 'browser-check', 'data-agrees': String(agrees) },
      agrees
        ? `✓ Checked by your browser too: crypto.subtle gives ${base64Of(digest)}.`
        : `✗ Your browser computes ${base64Of(digest)}.`
    )
  }
}
