// The bench's output: a table for the terminal and `bench/RESULTS.md` (the plot beside it is `bench/plot.ts`).
import { existsSync, readFileSync } from 'node:fs'
import { backplaneTable } from './backplane-table.ts'
import { keptRate, keptShare, notComparableNote, peerRatioOf, ratioOf, ratioText } from './comparison.ts'
import { windowAbout } from './plan.ts'
import type { BenchRow } from './protocol.ts'
import { protocolTable } from './protocol-table.ts'
import { ratioTable } from './ratio-table.ts'

/** One bench run: what was measured, where and when. */
export interface BenchRun {
  mode: 'quick' | 'full'
  /** ISO date of the run. */
  date: string
  /** Git short hash, with `-dirty` when the tree had changes. */
  commit: string
  machine: { cpus: string; cores: number; memoryGiB: number; node: string; os: string }
  rows: BenchRow[]
  /** Page-side figures (may be absent). */
  page?: {
    scripts: { path: string; bytes: number; gzipBytes: number }[]
    pageJsGzipBytes: number
    firstEventMs: Record<string, { any: number | null; live: number | null }>
  }
  /** Free-text notes printed under the table (e.g. what limited a target). */
  notes?: string[]
}

const none = '—'
const finite = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const int = (n: number | null | undefined) => (finite(n) ? Math.round(n).toLocaleString('en-US') : none)
const fixed = (n: number | null | undefined, digits: number) => (finite(n) ? n.toFixed(digits) : none)
/** Whole numbers, with one decimal below 10 where the decimal still carries information. */
const round = (n: number | null | undefined) => (finite(n) && Math.abs(n) < 10 ? n.toFixed(1) : int(n))

/** All delivered only says something at the rate asked: below it, the cell says at what rate. */
function deliveredText(row: BenchRow): string {
  if (row.askedPerSecond === 0) return 'idle feed'
  const count = row.delivered >= row.expected ? 'all' : `${int(row.delivered)}/${int(row.expected)}`
  return keptRate(row) ? count : `${count} of ${fixed(row.publishedPerSecond, 1)}/s, below rate`
}

/** [head, cell, "how measured" line]. The first three columns are names (left-aligned), the rest numbers. */
type Column = [head: string, cell: (row: BenchRow, rows: BenchRow[]) => string, about: string]

const columns: Column[] = [
  ['technique', (r) => r.technique, 'how the clients get the events.'],
  [
    'server',
    (r) => r.server,
    '`wirewatch` is the real app; `bare` the baseline in `bench/baselines/`; `socket.io` and `better-sse` the peer libraries in `bench/peers/`, at the same technique, clients and variant.'
  ],
  [
    'variant',
    (r) => r.variant ?? none,
    'what differs from the plain row; rows compare within one variant. The `max req/s` rows (50 clients asking again at once) each run on a server process started for the row, not the one the rows before warmed; `after 10,000 page ids`: 10,000 distinct `?client=` ids asked once each first; `, pair N`: those two rows again, each on a fresh server (the full set runs 5 pairs, and the target is judged on their median). The `/wire/live` rows publish nothing (an idle feed).'
  ],
  ['clients', (r) => int(r.clients), 'clients connected during the measured window.'],
  [
    'p50 ms',
    (r) => round(r.latencyMs.p50),
    "median delivery latency: receive time in the load process minus the event's `at` (one machine, one clock)."
  ],
  ['p99 ms', (r) => round(r.latencyMs.p99), '99th percentile of the same latencies.'],
  ['max ms', (r) => round(r.latencyMs.max), 'the largest of them.'],
  [
    'delivered',
    deliveredText,
    `deliveries the clients counted in the window / clients × events published in it; \`all\` only at the rate asked: below ${keptShare} × the rate it says \`… of <events/s>, below rate\`.`
  ],
  [
    'pub/s',
    (r) => round(r.publishedPerSecond),
    'events the server published per second in the window (the target rate when it keeps up).'
  ],
  [
    'pub lag ms',
    (r) => (r.publishLagMs ? `${fixed(r.publishLagMs.mean, 1)}/${round(r.publishLagMs.max)}` : none),
    'mean/max of how late each publish fired against its due time (the k-th at start + k × interval), the same schedule and measure on every server (`bench/publish-schedule.ts`).'
  ],
  [
    'CPU µs/unit (u+s)',
    (r) => {
      const { user, system } = r.serverCpuUsPerDelivery
      if (!finite(user + system)) return none
      return `${fixed(user + system, 1)}${r.cpuPerRequest ? '/req' : ''} (${fixed(user, 1)}+${fixed(system, 1)})`
    },
    'server process CPU over the window ÷ deliveries, µs: user + system, then (user+system); on the `max req/s` rows (marked `/req`) ÷ requests answered instead, since requests are their work.'
  ],
  [
    'CPU ×bare',
    (r, rows) => ratioText(ratioOf(r, rows), 'cpu'),
    `the CPU column, ours ÷ bare (same technique, clients, variant); ${notComparableNote}.`
  ],
  [
    'CPU ×peer',
    (r, rows) => ratioText(peerRatioOf(r, rows), 'cpu'),
    'the CPU column, ours ÷ the peer library: Socket.IO for websocket and long-polling, better-sse for sse.'
  ],
  ['p99 ×bare', (r, rows) => ratioText(ratioOf(r, rows), 'p99'), 'p99 latency, ours ÷ bare.'],
  ['p99 ×peer', (r, rows) => ratioText(peerRatioOf(r, rows), 'p99'), 'p99 latency, ours ÷ the peer library.'],
  [
    'RSS KiB/conn',
    // Below 1,000 clients the difference is smaller than RSS's own swings (the allocator returns pages when it likes).
    (r) => (r.clients >= 1000 ? round(r.rssKiBPerConnection) : '—'),
    'RSS with the clients connected minus before they connected, per connection (from 1,000 clients: below, RSS swings more than the clients add).'
  ],
  ['heap KiB/conn', (r) => round(r.heapKiBPerConnection), 'heap used, likewise.'],
  [
    'wire B/deliv',
    (r) => int(r.wireBytesPerDelivery),
    "bytes the server wrote per delivered event, from wirewatch's own `/wire` accounting (none for other servers)."
  ],
  [
    'load CPU %',
    (r) => int(r.loadCpuPercent),
    "the load generator processes' own CPU over the window, % of one core (user + system)."
  ],
  ['server CPU %', (r) => int(r.serverCpuPercent), 'the server process CPU over the window, % of one core.'],
  ['req/s', (r) => int(r.requestsPerSecond), 'polling rows: requests answered per second.']
]
const right = (i: number) => i >= 3
const cells = (rows: BenchRow[]) => rows.map((row) => columns.map(([, cell]) => cell(row, rows)))

/** The rows as a fixed-width table for the terminal. */
export function formatTable(rows: BenchRow[]): string {
  const body = cells(rows)
  const widths = columns.map(([head], i) => Math.max(head.length, ...body.map((line) => line[i]?.length ?? 0)))
  const line = (values: string[]) =>
    values.map((v, i) => (right(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ')
  const rule = widths.map((w) => '─'.repeat(w)).join('  ')
  return [
    line(columns.map(([head]) => head)),
    rule,
    ...body.map(line),
    '',
    `latency ms; CPU µs per delivery (per request on max req/s rows) = user+system of the server process; ×bare, ×peer = ours ÷ the bare baseline, ÷ the peer library; ${notComparableNote}`
  ].join('\n')
}

const mdCell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;')

/** The text of `bench/RESULTS.md`; `plotFile` is the SVG's path relative to it. */
export function resultsMarkdown(run: BenchRun, plotFile: string): string {
  const { machine, page } = run
  const table = [
    `| ${columns.map(([head]) => head).join(' | ')} |`,
    `|${columns.map((_, i) => (right(i) ? '---:' : ':---')).join('|')}|`,
    ...cells(run.rows).map((line) => `| ${line.map(mdCell).join(' | ')} |`)
  ]
  const out = [
    '# wirewatch bench results',
    '',
    `- Machine: ${machine.cpus} (${machine.cores} cores), ${machine.memoryGiB} GiB RAM, ${machine.os}, Node ${machine.node}`,
    `- Date: ${run.date}`,
    `- Commit: \`${run.commit}\``,
    `- Mode: ${run.mode}`,
    '',
    '## How to run',
    '',
    '`npm run bench` runs the quick set (100 and 1,000 clients) and prints it; `npm run bench -- --full` runs the full one and rewrites this file and the plot.',
    '',
    '## How measured',
    '',
    `- **window**: ${windowAbout}`,
    ...columns.map(([head, , about]) => `- **${head}**: ${about}`),
    '',
    '## Ours against bare and the peers',
    '',
    ratioTable(run.rows),
    '',
    '## Results',
    '',
    ...table
  ]
  const analysis = new URL('results-analysis.md', import.meta.url)
  // What limits each target not met, with profiles: written by hand after a full run, kept across runs.
  if (existsSync(analysis)) out.push('', readFileSync(analysis, 'utf8').trim())
  if (run.rows.some((row) => row.protocol))
    out.push('', '## HTTP/2 against HTTP/1.1 over TLS', '', protocolTable(run.rows, 'markdown'))
  if (run.rows.some((row) => row.backplane))
    out.push('', '## One feed through Redis against in memory', '', backplaneTable(run.rows, 'markdown'))
  if (page) {
    out.push('', '## Page', '', `Page JavaScript, gzipped: ${int(page.pageJsGzipBytes)} B.`, '')
    out.push('| script | bytes | gzip bytes |', '|:---|---:|---:|')
    for (const s of page.scripts) out.push(`| \`${mdCell(s.path)}\` | ${int(s.bytes)} | ${int(s.gzipBytes)} |`)
    out.push('', '| technique | first event ms | first live event ms |', '|:---|---:|---:|')
    for (const [name, ms] of Object.entries(page.firstEventMs))
      out.push(`| ${mdCell(name)} | ${round(ms.any)} | ${round(ms.live)} |`)
  }
  if (run.notes?.length) out.push('', '## Notes', '', ...run.notes.map((n) => `- ${n}`))
  out.push('', `![latency vs clients](${plotFile})`, '')
  return out.join('\n')
}
