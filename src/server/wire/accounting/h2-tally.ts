import type { RowName } from '../../../shared/techniques.ts'
import type { ClientCounters, Owner } from './client-counters.ts'
import type { ConnectionCost } from './connection-cost.ts'
import type { Exchange } from './socket-tally.ts'

/**
 * One HTTP/2 connection's bookkeeping. Frames arrive already marked with their stream, so each one's
 * bytes go straight to that stream's exchange: no guessing from byte counters.
 */
export interface H2Tally {
  protocol: 'http2'
  cost: ConnectionCost
  /** Each stream's exchange, by stream id, from its request until the stream closes. */
  streams: Map<number, Exchange>
  /** Bytes of streams whose request has not been seen yet (a HEADERS frame is read before Node routes it). */
  waiting: Map<number, { bytesIn: number; bytesOut: number }>
  first: Exchange | undefined
  last: Exchange | undefined
  /** Streams open now, by owner key. */
  open: Map<string, { owner: Owner; streams: number }>
  /** The owner of the latest stream: it holds the connection when no stream is open. */
  holder: Owner | undefined
  /** What is counted in `openConnections` now: rows in the totals, owners for their clients. */
  countedRows: Set<RowName>
  countedOwners: Map<string, Owner>
  /** It has closed (a client's `connectionsNow` drops it). */
  closed: boolean
}

export function h2Tally(cost: ConnectionCost): H2Tally {
  return {
    protocol: 'http2',
    cost,
    streams: new Map(),
    waiting: new Map(),
    first: undefined,
    last: undefined,
    open: new Map(),
    holder: undefined,
    countedRows: new Set(),
    countedOwners: new Map(),
    closed: false
  }
}

/** One key per (row, client). */
export function ownerKey({ row, client }: Owner): string {
  return `${row} ${client ?? ''}`
}

/** The owners that count this connection as in use: those with a stream open, else the latest stream's. */
export function ownersInUse(tally: H2Tally): Owner[] {
  if (tally.open.size > 0) return [...tally.open.values()].map(({ owner }) => owner)
  return tally.holder ? [tally.holder] : []
}

/** A stream of `owner` is open on `tally`'s connection. */
export function streamOpened(counters: ClientCounters, tally: H2Tally, owner: Owner): void {
  const key = ownerKey(owner)
  const open = tally.open.get(key)
  if (open) open.streams++
  else tally.open.set(key, { owner, streams: 1 })
  recountInUse(counters, tally)
}

/** A stream of `owner` on `tally`'s connection has ended. */
export function streamClosed(counters: ClientCounters, tally: H2Tally, owner: Owner): void {
  const key = ownerKey(owner)
  const open = tally.open.get(key)
  if (!open) return
  if (--open.streams === 0) tally.open.delete(key)
  recountInUse(counters, tally)
}

/**
 * Brings `openConnections` in line with the owners that count this connection as in use now: in the
 * totals once per row, for each client once per (row, client), however many streams it has open.
 */
export function recountInUse(counters: ClientCounters, tally: H2Tally): void {
  const owners = ownersInUse(tally)
  const rows = new Set(owners.map((owner) => owner.row))
  const clientOwners = new Map(owners.filter((owner) => owner.client !== undefined).map((o) => [ownerKey(o), o]))
  for (const row of tally.countedRows) if (!rows.has(row)) counters.addToTotals(row, 'openConnections', -1)
  for (const row of rows) if (!tally.countedRows.has(row)) counters.addToTotals(row, 'openConnections', 1)
  for (const [key, owner] of tally.countedOwners)
    if (!clientOwners.has(key)) counters.addToClient(owner, 'openConnections', -1)
  for (const [key, owner] of clientOwners)
    if (!tally.countedOwners.has(key)) counters.addToClient(owner, 'openConnections', 1)
  tally.countedRows = rows
  tally.countedOwners = clientOwners
}
