// How one bench row is compared with another: ours against the bare baseline and against the peer library of its
// technique, at the same technique, clients and variant. A ratio only means something when both servers published
// at the rate asked: a server that fell behind did less work per second, and its figures look better for it.
import type { TechniqueName } from '../src/shared/techniques.ts'
import type { BenchRow } from './protocol.ts'

/** Below this share of the rate asked, a row did not keep its rate. */
export const keptShare = 0.95

/** The peer library measured beside ours per technique: Socket.IO for its transports, better-sse for SSE. */
export const peerOf: Partial<Record<TechniqueName, BenchRow['server']>> = {
  websocket: 'socket.io',
  'long-polling': 'socket.io',
  sse: 'better-sse'
}

/** Whether the server published at (nearly) the rate asked; a row asked for none (an idle feed) keeps it. */
export const keptRate = (row: BenchRow) => row.publishedPerSecond >= keptShare * row.askedPerSecond

/** Server CPU (user + system) per unit of work, µs: per request on the requests/s rows, per delivery on the others. */
export const cpuPerUnit = (row: BenchRow) => row.serverCpuUsPerDelivery.user + row.serverCpuUsPerDelivery.system

/** The row of `server` at the same technique, clients and variant as `row`. */
export function sameRowOf(row: BenchRow, rows: BenchRow[], server: BenchRow['server']): BenchRow | undefined {
  return rows.find(
    (other) =>
      other.server === server &&
      other.technique === row.technique &&
      other.clients === row.clients &&
      (other.variant ?? '') === (row.variant ?? '')
  )
}

/** Ours ÷ another server's row; `comparable` is false when either side fell below its publish rate. */
export interface Ratio {
  cpu: number
  p99: number
  comparable: boolean
}

/** Ours ÷ `other`, CPU per unit of work and p99. */
export function ratioBetween(ours: BenchRow, other: BenchRow): Ratio {
  return {
    cpu: cpuPerUnit(ours) / cpuPerUnit(other),
    p99: ours.latencyMs.p99 / other.latencyMs.p99,
    comparable: keptRate(ours) && keptRate(other)
  }
}

/** Ours ÷ bare at the same technique, clients and variant; undefined for other servers' rows and unmatched rows. */
export function ratioOf(row: BenchRow, rows: BenchRow[]): Ratio | undefined {
  const bare = row.server === 'wirewatch' ? sameRowOf(row, rows, 'bare') : undefined
  return bare && ratioBetween(row, bare)
}

/** Ours ÷ the technique's peer library (`peerOf`), likewise. */
export function peerRatioOf(row: BenchRow, rows: BenchRow[]): Ratio | undefined {
  const server = peerOf[row.technique]
  const peer = row.server === 'wirewatch' && server ? sameRowOf(row, rows, server) : undefined
  return peer && ratioBetween(row, peer)
}

/** A ratio for a table: two decimals, with `*` when it is not comparable (see `notComparableNote`). */
export function ratioText(ratio: Ratio | undefined, field: 'cpu' | 'p99'): string {
  const value = ratio?.[field]
  if (ratio === undefined || value === undefined || !Number.isFinite(value)) return '—'
  return `${value.toFixed(2)}${ratio.comparable ? '' : '*'}`
}

export const notComparableNote = '* a side below its publish rate: not comparable'
