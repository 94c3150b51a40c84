import { ConnectionBudget } from './connection-budget.ts'
import { pageProtocol } from './page-protocol.ts'
import { ServerClock } from './server-clock.ts'
import { paintTechniqueColours } from './technique-look.ts'
import { WireLive } from './wire-live.ts'

/** A random id for this page, so the server counts its traffic apart from every other page's. */
export function randomClientId(): string {
  // getRandomValues, not randomUUID: the latter needs a secure context, and classrooms use http://<LAN-IP>.
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

/** Whether this page came over HTTP/1.x, where a browser opens only 6 connections per server (HTTP/2 and 3 multiplex). */
function overHttp1(): boolean {
  return !/^h[23]/.test(pageProtocol())
}

/**
 * What every page of the site has: its client id, its estimate of the server's clock, its `/wire/live`
 * line, and its share of the connections this browser may open to the server.
 */
export class PageSession {
  readonly clientId = randomClientId()
  readonly clock = new ServerClock()
  readonly live = new WireLive(this.clientId, this.clock)
  readonly connections = new ConnectionBudget(this.clientId, { limited: overHttp1() })

  constructor() {
    document.body.dataset.client = this.clientId
    paintTechniqueColours()
    addEventListener('pagehide', () => this.connections.leave())
    addEventListener('pageshow', (event) => event.persisted && this.connections.announce())
  }
}
