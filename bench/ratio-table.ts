// The run in one table: each of our plain rows beside the bare baseline and the peer library at the same technique,
// clients and variant, CPU per unit of work and p99 side by side with their ratios. The main table has every figure;
// this one answers "how far from bare, how far from Socket.IO".
import { cpuPerUnit, keptRate, notComparableNote, peerOf, ratioBetween, ratioText, sameRowOf } from './comparison.ts'
import { requestsVariant } from './plan.ts'
import type { BenchRow } from './protocol.ts'

const none = '—'
const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const round = (n: number | undefined) =>
  finite(n) ? (Math.abs(n) < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : none
/** A row's CPU per unit, with its publish rate when it fell below the rate asked. */
const cpuCell = (row: BenchRow | undefined) =>
  row ? `${round(cpuPerUnit(row))}${keptRate(row) ? '' : ` (${round(row.publishedPerSecond)}/s)`}` : none

const heads = [
  'technique',
  'variant',
  'clients',
  'CPU µs ours',
  'bare',
  'peer',
  'ours ÷ bare',
  'ours ÷ peer',
  'p99 ms ours',
  'bare',
  'peer',
  'req/s ours ÷ bare'
]

function line(ours: BenchRow, rows: BenchRow[]): string[] {
  const bare = sameRowOf(ours, rows, 'bare')
  const peerName = peerOf[ours.technique]
  const peer = peerName ? sameRowOf(ours, rows, peerName) : undefined
  const requests =
    ours.variant?.startsWith(requestsVariant) && bare?.requestsPerSecond && ours.requestsPerSecond
      ? (ours.requestsPerSecond / bare.requestsPerSecond).toFixed(2)
      : none
  return [
    ours.technique,
    ours.variant ?? none,
    round(ours.clients),
    cpuCell(ours),
    cpuCell(bare),
    peer ? `${cpuCell(peer)} ${peerName}` : none,
    bare ? ratioText(ratioBetween(ours, bare), 'cpu') : none,
    peer ? ratioText(ratioBetween(ours, peer), 'cpu') : none,
    round(ours.latencyMs.p99),
    round(bare?.latencyMs.p99),
    round(peer?.latencyMs.p99),
    requests
  ]
}

/** Our rows that have a bare row to compare with, as a Markdown table. */
export function ratioTable(rows: BenchRow[]): string {
  const ours = rows.filter((row) => row.server === 'wirewatch' && sameRowOf(row, rows, 'bare'))
  const out = [
    `| ${heads.join(' | ')} |`,
    `|${heads.map((_, i) => (i < 2 ? ':---' : '---:')).join('|')}|`,
    ...ours.map((row) => `| ${line(row, rows).join(' | ')} |`)
  ]
  return [
    ...out,
    '',
    `CPU: server µs per delivery (per request on the max req/s rows), user + system; a rate in brackets: that server published below the rate asked. ${notComparableNote}.`
  ].join('\n')
}
