import type { WireReport } from '../../../shared/wire-stats.ts'

/** What this needs of a connection's tally: its protocol, and whether it has closed. */
interface Connection {
  protocol: 'http1' | 'http2'
  closed: boolean
}

/**
 * Each client's connections that carried a request of it, for its `connectionsNow`. Closed ones are
 * dropped when next looked at. At most `maxClients` clients, the least recently seen on a new connection forgotten first:
 * behind a proxy one connection carries a whole room's requests. A client's one connection is kept
 * bare, not in a Set: most pages have one, and a room of 10,000 pages would pay for the Sets.
 */
export class ClientConnections<Tally extends Connection> {
  #of = new Map<string, Tally | Set<Tally>>()
  #maxClients: number

  constructor(maxClients: number) {
    this.#maxClients = maxClients
  }

  /** `client` made a request on `tally`'s connection. */
  carried(client: string, tally: Tally): void {
    const known = this.#of.get(client)
    // The same connection again (a page polling on its kept-alive one): nothing changes. Moving the client to the
    // recent end on every request cost more the more pages there were; a client forgotten meanwhile comes back
    // with its next request.
    if (known === tally) return
    if (known)
      this.#of.delete(client) // set again below: the most recently seen last
    else
      for (const [oldest] of this.#of) {
        if (this.#of.size < this.#maxClients) break
        this.#of.delete(oldest)
      }
    let connections: Tally | Set<Tally> = tally
    if (known instanceof Set) {
      for (const one of known) if (one.closed) known.delete(one)
      connections = known.add(tally)
    } else if (known && known !== tally && !known.closed) connections = new Set([known, tally])
    this.#of.set(client, connections)
  }

  /** `client`'s connections open now that carried a request of it, by protocol. */
  now(client: string): NonNullable<WireReport['connectionsNow']> {
    const counts = { http1: 0, http2: 0 }
    const known = this.#of.get(client)
    for (const tally of known instanceof Set ? known : known ? [known] : []) if (!tally.closed) counts[tally.protocol]++
    return counts
  }
}
