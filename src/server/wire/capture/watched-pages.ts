/** How long a page counts as watched after it last said its wire view is open. */
export const watchWindowMs = 60_000

export interface WatchedPagesOptions {
  /** Every connection is read as bytes, watched or not (the bench's worst case: a whole room behind one address). */
  everyone?: boolean
  /** Pages remembered at once; the one that said so longest ago is forgotten first. */
  maxPages?: number
  windowMs?: number
}

/**
 * The pages whose wire view is open or was open in the last minute, and the addresses they
 * came from. Their requests are read from the socket's bytes; everyone else's are read by
 * Node's native HTTP parser. A connection must be chosen when it is accepted, before any
 * byte says which page it is for, so the choice is made by the peer's address: a connection
 * from an address a watched page came from is read as bytes.
 */
export class WatchedPages {
  /** Page → when its watch ends, epoch ms, in the order they last said so. */
  #pages = new Map<string, number>()
  /** Peer address → when the last watch from it ends, epoch ms, likewise. */
  #addresses = new Map<string, number>()
  readonly #everyone: boolean
  readonly #maxPages: number
  readonly #windowMs: number

  constructor({ everyone = false, maxPages = 1000, windowMs = watchWindowMs }: WatchedPagesOptions = {}) {
    this.#everyone = everyone
    this.#maxPages = maxPages
    this.#windowMs = windowMs
  }

  /** `client`'s wire view is open, seen from `address`: watched until the returned time (epoch ms). */
  watch(client: string, address: string | undefined, now = Date.now()): number {
    const until = now + this.#windowMs
    remember(this.#pages, client, until, this.#maxPages)
    if (address !== undefined) remember(this.#addresses, address, until, this.#maxPages)
    return until
  }

  /** Whether `client`'s wire view is open or was in the last minute. */
  watches(client: string, now = Date.now()): boolean {
    return this.#everyone || (this.#pages.get(client) ?? 0) > now
  }

  /** Whether connections from `address` are read as bytes: a watched page came from it. */
  watchesAddress(address: string | undefined, now = Date.now()): boolean {
    if (this.#everyone) return true
    // The common case in a lecture hall: nobody watching costs one size check per connection.
    if (this.#addresses.size === 0) return false
    forgetEnded(this.#addresses, now)
    forgetEnded(this.#pages, now)
    return address !== undefined && (this.#addresses.get(address) ?? 0) > now
  }
}

/** Drops the watches that ended: being the oldest set, they are at the front of `map`. */
function forgetEnded(map: Map<string, number>, now: number): void {
  for (const [key, until] of map) {
    if (until > now) return
    map.delete(key)
  }
}

/** Sets `key` to `until` at the newest end of `map`, forgetting the oldest entries past `max`. */
export function remember(map: Map<string, number>, key: string, until: number, max: number): void {
  map.delete(key)
  map.set(key, until)
  for (const oldest of map.keys()) {
    if (map.size <= max) break
    map.delete(oldest)
  }
}
