import type { OriginVerdict } from '../../shared/origin-verdict.ts'
import { h } from './dom.ts'

// The page's one answer while its Origin is refused: every socket of the page would get the same.
let refused: OriginVerdict | undefined
let asking: Promise<boolean> | undefined
let banner: HTMLElement | undefined

/** Asks `POST /wire/origin-check` (it carries this page's Origin, as the handshake did); undefined if unreachable. */
async function askServer(clientId: string): Promise<OriginVerdict | undefined> {
  try {
    const response = await fetch(`/wire/origin-check?client=${clientId}`, { method: 'POST' })
    return response.ok ? ((await response.json()) as OriginVerdict) : undefined
  } catch {
    return undefined // the server or the network is down: that is not a refusal
  }
}

function showBanner(verdict: OriginVerdict): void {
  if (!banner) {
    banner = h('p', { role: 'alert', class: 'announcement', 'data-banner': 'origin-refused' })
    ;(document.querySelector('.site-header') ?? document.body).append(banner)
  }
  // Text only: the Origin and Host are echoed from the request.
  banner.textContent = `The server refused this page's WebSocket: ${verdict.message}`
  banner.hidden = false
}

/**
 * Call when one of this page's WebSockets closed before it opened. A refused handshake (403)
 * reaches the page only as close code 1006, so this asks the server whether it was the Origin
 * check, and if so says why in a banner, naming the setting. Resolves true when it was.
 */
export function explainWebSocketFailure(clientId: string): Promise<boolean> {
  if (refused) return Promise.resolve(true)
  asking ??= askServer(clientId).then((verdict) => {
    asking = undefined
    if (!verdict || verdict.accepted) return false
    refused = verdict
    showBanner(verdict)
    return true
  })
  return asking
}

/** Call when one of this page's WebSockets opened: whatever was refused is no longer, so the banner goes. */
export function webSocketOpened(): void {
  refused = undefined
  if (banner) banner.hidden = true
}
