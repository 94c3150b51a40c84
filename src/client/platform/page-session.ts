import { ServerClock } from './server-clock.ts'
import { paintTechniqueColours } from './technique-look.ts'
import { WireLive } from './wire-live.ts'

/** A random id for this page, so the server counts its traffic apart from every other page's. */
function randomClientId(): string {
  // getRandomValues, not randomUUID: the latter needs a secure context, and classrooms use http://<LAN-IP>.
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

/** What every page of the site has: its client id, its estimate of the server's clock, its `/wire/live` line. */
export class PageSession {
  readonly clientId = randomClientId()
  readonly clock = new ServerClock()
  readonly live = new WireLive(this.clientId, this.clock)

  constructor() {
    document.body.dataset.client = this.clientId
    paintTechniqueColours()
  }
}
