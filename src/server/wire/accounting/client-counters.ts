import type { RowName, TechniqueName } from '../../../shared/techniques.ts'
import { otherRowNames, techniqueNames } from '../../../shared/techniques.ts'
import type { WireCounters, WireReport } from '../../../shared/wire-stats.ts'
import { emptyCounters } from '../../../shared/wire-stats.ts'

type Rows = Record<RowName, WireCounters>

/** Who an exchange's bytes are charged to: the row and client of its request. */
export interface Owner {
  row: RowName
  client: string | undefined
}

const allRowNames: readonly RowName[] = [...techniqueNames, ...otherRowNames]

/** Clients looked at, oldest first, each time one must be forgotten to make room. */
const evictionLooks = 16

/** How often a client is moved to the recent end of the eviction order at most. */
const touchEveryMs = 1_000

function emptyRows(): Rows {
  return Object.fromEntries(allRowNames.map((name) => [name, emptyCounters()])) as Rows
}

/**
 * The wire counters of every row, in total and per page client, and when each client last began a
 * request of each row. At most `maxClients` clients are kept: the longest idle are forgotten first.
 */
export class ClientCounters {
  #totals = emptyRows()
  #clients = new Map<string, Rows>()
  /** When each client's rows were last moved to the recent end (`#touch`), epoch ms; gone with the rows. */
  #touchedAt = new WeakMap<Rows, number>()
  /** When each client last began a request of each row, epoch ms. */
  #lastRequest = new Map<string, Partial<Record<RowName, number>>>()
  #maxClients: number

  constructor(maxClients: number) {
    this.#maxClients = maxClients
  }

  /** Adds `amount` to `field` of the owner's row, in the totals and for its client. */
  add(owner: Owner, field: keyof WireCounters, amount: number): void {
    if (amount === 0) return
    this.#totals[owner.row][field] += amount
    this.addToClient(owner, field, amount)
  }

  /** Adds `amount` to `field` of `row` in the totals only (what no client is known for yet). */
  addToTotals(row: RowName, field: keyof WireCounters, amount: number): void {
    this.#totals[row][field] += amount
  }

  /** Adds `amount` to `field` of the owner's row for its client only (the totals had it already). */
  addToClient({ row, client }: Owner, field: keyof WireCounters, amount: number): void {
    if (amount === 0 || client === undefined) return
    let rows = this.#clients.get(client)
    if (!rows) {
      // Make room first: a row just made has nothing open yet, and must not be the one forgotten.
      this.#evictIdleClients()
      rows = emptyRows()
      this.#clients.set(client, rows)
    }
    rows[row][field] += amount
  }

  /** `client` began a request of `row` now. */
  requested(client: string, row: RowName): void {
    this.#touch(client)
    const last = this.#lastRequest.get(client)
    if (last) last[row] = Date.now()
    else this.#lastRequest.set(client, { [row]: Date.now() })
  }

  /** When `client` last began a request of each row, epoch ms. */
  lastRequests(client: string): Partial<Record<RowName, number>> {
    return this.#lastRequest.get(client) ?? {}
  }

  /** A copy of the counters of one client, or of the totals when `client` is undefined, as they stand. */
  report(client: string | undefined, latest: number): WireReport {
    const rows = client === undefined ? this.#totals : (this.#clients.get(client) ?? emptyRows())
    const copy = (name: RowName) => ({ ...rows[name] })
    const techniques = Object.fromEntries(techniqueNames.map((name) => [name, copy(name)])) as Record<
      TechniqueName,
      WireCounters
    >
    const other = { page: copy('page'), messages: copy('messages'), connection: copy('connection') }
    const report: WireReport = { techniques, other, latest, at: Date.now() }
    return client === undefined ? report : { client, ...report, lastRequestAt: { ...this.lastRequests(client) } }
  }

  /**
   * Keeps the most recently active clients last, so eviction drops the longest idle: to the second, since moving
   * a client to the end of a Map of thousands on every request made each request slower the more pages there were.
   */
  #touch(client: string): void {
    const rows = this.#clients.get(client)
    if (!rows) return
    const now = Date.now()
    if (now - (this.#touchedAt.get(rows) ?? 0) < touchEveryMs) return
    this.#touchedAt.set(rows, now)
    this.#clients.delete(client)
    this.#clients.set(client, rows)
  }

  /**
   * Bounds memory when thousands of pages come and go: forget the oldest clients with nothing open. Only the
   * oldest few are looked at, and those with a connection open go to the recent end: with 10,000 pages holding
   * one open, every new page scanned them all (a third of the server's CPU while a hall connected, in the bench).
   */
  #evictIdleClients(): void {
    let looked = 0
    for (const [client, rows] of this.#clients) {
      if (this.#clients.size < this.#maxClients || looked++ >= evictionLooks) return
      this.#clients.delete(client)
      if (allRowNames.some((name) => rows[name].openConnections > 0)) this.#clients.set(client, rows)
      else this.#lastRequest.delete(client)
    }
  }
}
