// The Redis rows' own table (`npm run bench -- --only redis`): the same WebSocket clients on one instance in
// memory, one instance on Redis and two instances on one Redis, and what the backplane adds to each.

import { cpuPerUnit, keptRate } from './comparison.ts'
import { backplaneVariants } from './plan.ts'
import type { BenchRow } from './protocol.ts'

const none = '—'
const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const fixed = (n: number | undefined, digits: number) => (finite(n) ? n.toFixed(digits) : none)
const round = (n: number | undefined) =>
  finite(n) ? (Math.abs(n) < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : none
const signed = (n: number | undefined) => (finite(n) ? `${n >= 0 ? '+' : ''}${round(n)}` : none)

/** The in-memory row a Redis row is compared with: same clients, same run. */
function inMemoryOf(row: BenchRow, rows: BenchRow[]): BenchRow | undefined {
  if (!row.backplane) return undefined
  return rows.find((other) => other.variant === backplaneVariants.wirewatch && other.clients === row.clients)
}

/** Redis's CPU a published event costs beyond what it spends idle, µs: (window % − idle %) of a core ÷ events/s. */
function eventCostOverIdle({ backplane, publishedPerSecond }: BenchRow): number | undefined {
  if (!backplane) return undefined
  return ((backplane.redisCpuPercent - backplane.redisIdleCpuPercent) / 100) * (1e6 / publishedPerSecond)
}

type Column = [head: string, cell: (row: BenchRow, rows: BenchRow[]) => string]

const versus = (value: (row: BenchRow, memory: BenchRow) => number) => (row: BenchRow, rows: BenchRow[]) =>
  ((memory) => (memory ? value(row, memory) : undefined))(inMemoryOf(row, rows))

const columns: Column[] = [
  ['feed', (r) => r.variant ?? none],
  ['clients', (r) => round(r.clients)],
  ['p50 ms', (r) => round(r.latencyMs.p50)],
  ['p99 ms', (r) => round(r.latencyMs.p99)],
  ['p50 +ms', (r, rows) => signed(versus((row, memory) => row.latencyMs.p50 - memory.latencyMs.p50)(r, rows))],
  ['p99 +ms', (r, rows) => signed(versus((row, memory) => row.latencyMs.p99 - memory.latencyMs.p99)(r, rows))],
  ['delivered', (r) => (r.delivered === r.expected ? 'all' : `${round(r.delivered)}/${round(r.expected)}`)],
  ['gaps', (r) => fixed(r.gaps, 0)],
  ['errors', (r) => fixed(r.errors, 0)],
  ['pub/s', (r) => `${fixed(r.publishedPerSecond, 1)}${keptRate(r) ? '' : '*'}`],
  ['lag ms mean/max', (r) => `${fixed(r.publishLagMs?.mean, 1)}/${round(r.publishLagMs?.max)}`],
  [
    'CPU µs/deliv (u+s)',
    ({ serverCpuUsPerDelivery: { user, system } }) =>
      `${fixed(user + system, 1)} (${fixed(user, 1)}+${fixed(system, 1)})`
  ],
  ['CPU ×mem', (r, rows) => fixed(versus((row, memory) => cpuPerUnit(row) / cpuPerUnit(memory))(r, rows), 2)],
  ['server CPU %', (r) => round(r.serverCpuPercent)],
  ['Redis µs/event', (r) => round(r.backplane?.redisCpuUsPerEvent)],
  ['over idle', (r) => round(eventCostOverIdle(r))],
  [
    'Redis CPU % (idle)',
    (r) => `${fixed(r.backplane?.redisCpuPercent, 2)} (${fixed(r.backplane?.redisIdleCpuPercent, 2)})`
  ],
  ['load CPU %', (r) => round(r.loadCpuPercent)]
]

const legend = [
  'feed: one instance in memory; one instance on Redis (publishing: a Lua script INCR + TIME + XADD; every event',
  "read back with a blocking XREAD); two instances on one Redis, the clients split half to each instance's port",
  'directly (no balancer), only the first publishing (it holds the ticker lease), the other receiving through Redis.',
  "p50/p99: receive time minus the event's `at`; on Redis `at` is Redis's TIME, on one machine the same clock as the",
  'load clients. +ms: minus the in-memory row of the same clients. CPU µs/deliv: every instance process and the',
  "Redis (/proc: its threads' schedstat, split user/system as /proc/<pid>/stat's 10 ms ticks, half and half when none",
  "fell in the window) ÷ deliveries; ×mem: ÷ the in-memory row's. server CPU %: the same, % of one core.",
  "Redis µs/event: Redis's CPU ÷ events published in the",
  "window (the backplane's cost per event, whatever the clients). over idle: the same less what Redis spends with",
  'the clients connected and nothing published (idle: % of a core over a second before the window: its own timers,',
  "the instances' health checks and lease renewals). lag: how late each tick reached the publishing instance's feed",
  'against its due time (start + k × 50 ms; on Redis after its round trip), mean/max. * the 20 events/s asked were not',
  "kept (below 19/s), so that row's figures are of a slower feed."
]

/** The backplane rows (variant of `backplaneVariants`), as a fixed-width table for the terminal or as Markdown. */
export function backplaneTable(all: BenchRow[], format: 'terminal' | 'markdown' = 'terminal'): string {
  // Read here, not at load: plan.ts imports (through targets.ts and report.ts) this file.
  const variants: readonly string[] = Object.values(backplaneVariants)
  const rows = all.filter((row) => row.variant !== undefined && variants.includes(row.variant))
  const body = rows.map((row) => columns.map(([, cell]) => cell(row, rows)))
  const heads = columns.map(([head]) => head)
  if (format === 'markdown') {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`
    return [line(heads), `|${columns.map((_, i) => (i < 1 ? ':---' : '---:')).join('|')}|`, ...body.map(line)].join(
      '\n'
    )
  }
  const widths = heads.map((head, i) => Math.max(head.length, ...body.map((cells) => cells[i]?.length ?? 0)))
  const line = (cells: string[]) =>
    cells.map((v, i) => (i < 1 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ')
  return [line(heads), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line), '', ...legend].join('\n')
}
