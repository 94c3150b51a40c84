/**
 * Each client's sockets with an exchange of it under way, and how many: so work for one client
 * (its report, its active techniques) costs its own sockets, not the server's.
 */
export class BusySockets<Tally> {
  #busy = new Map<string, Map<Tally, number>>()

  /** One more exchange of `client` is under way on `tally`'s socket. */
  add(client: string, tally: Tally): void {
    let sockets = this.#busy.get(client)
    if (!sockets) {
      sockets = new Map()
      this.#busy.set(client, sockets)
    }
    sockets.set(tally, (sockets.get(tally) ?? 0) + 1)
  }

  /** One exchange of `client` on `tally`'s socket is over. */
  remove(client: string, tally: Tally): void {
    const sockets = this.#busy.get(client)
    const count = sockets?.get(tally)
    if (!sockets || count === undefined) return
    if (count > 1) sockets.set(tally, count - 1)
    else {
      sockets.delete(tally)
      if (sockets.size === 0) this.#busy.delete(client)
    }
  }

  /** The sockets with an exchange of `client` under way. */
  of(client: string): Iterable<Tally> {
    return this.#busy.get(client)?.keys() ?? []
  }
}
