// The bench's output: a table for the terminal, `bench/RESULTS.md`, and a latency plot as SVG. The plot is
// written by hand because it is a few dozen elements in a file; a chart library would need a browser to draw it.
import { traceShape } from '../src/client/platform/mark-shapes.ts'
import { techniqueNames, techniques } from '../src/shared/techniques.ts'
import { backplaneTable } from './backplane-table.ts'
import type { BenchRow } from './protocol.ts'
import { protocolTable } from './protocol-table.ts'

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
const cpuUs = (row: BenchRow) => row.serverCpuUsPerDelivery.user + row.serverCpuUsPerDelivery.system
const finite = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const int = (n: number | null | undefined) => (finite(n) ? Math.round(n).toLocaleString('en-US') : none)
const fixed = (n: number | null | undefined, digits: number) => (finite(n) ? n.toFixed(digits) : none)
/** Whole numbers, with one decimal below 10 where the decimal still carries information. */
const round = (n: number | null | undefined) => (finite(n) && Math.abs(n) < 10 ? n.toFixed(1) : int(n))

/**
 * Ours divided by bare for the bare row of the same technique, clients and variant: `cpu` compares server CPU
 * (user + system) per delivery, `p99` the 99th-percentile latency. Undefined for rows not ours and unmatched rows.
 */
export function ratioOf(row: BenchRow, rows: BenchRow[]): { cpu: number; p99: number } | undefined {
  if (row.server !== 'wirewatch') return undefined
  const bare = rows.find(
    (r) =>
      r.server === 'bare' &&
      r.technique === row.technique &&
      r.clients === row.clients &&
      (r.variant ?? '') === (row.variant ?? '')
  )
  return bare && { cpu: cpuUs(row) / cpuUs(bare), p99: row.latencyMs.p99 / bare.latencyMs.p99 }
}

/** [head, cell, "how measured" line]. The first three columns are names (left-aligned), the rest numbers. */
type Column = [head: string, cell: (row: BenchRow, rows: BenchRow[]) => string, about: string]

const columns: Column[] = [
  ['technique', (r) => r.technique, 'how the clients get the events.'],
  ['server', (r) => r.server, '`wirewatch` is the real app; `bare` the baseline in `bench/baselines/`.'],
  ['variant', (r) => r.variant ?? none, 'what differs from the plain row; rows compare within one variant.'],
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
    (r) => (r.delivered === r.expected ? 'all' : `${int(r.delivered)}/${int(r.expected)}`),
    'deliveries the clients counted in the window / clients × events published in it.'
  ],
  [
    'pub/s',
    (r) => round(r.publishedPerSecond),
    'events the server published per second in the window (the target rate when it keeps up).'
  ],
  [
    'CPU µs/deliv (u+s)',
    ({ serverCpuUsPerDelivery: { user, system } }) =>
      `${fixed(user + system, 1)} (${fixed(user, 1)}+${fixed(system, 1)})`,
    'server process CPU over the window ÷ deliveries, µs: user + system, then (user+system).'
  ],
  [
    'CPU ×bare',
    (r, rows) => fixed(ratioOf(r, rows)?.cpu, 2),
    'CPU per delivery, ours ÷ bare (same technique, clients, variant).'
  ],
  ['p99 ×bare', (r, rows) => fixed(ratioOf(r, rows)?.p99, 2), 'p99 latency, ours ÷ bare.'],
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
    "bytes the server wrote per delivered event, from wirewatch's own `/wire` accounting (none for bare)."
  ],
  [
    'load CPU %',
    (r) => int(r.loadCpuPercent),
    "the load generator processes' own CPU over the window, % of one core (user + system)."
  ],
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
    'latency ms; CPU µs per delivery = user+system of the server process; ×bare = ours ÷ bare baseline'
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
    ...columns.map(([head, , about]) => `- **${head}**: ${about}`),
    '',
    '## Results',
    '',
    ...table
  ]
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

/** SVG path data traced by the page's own mark drawing (`traceShape`), so the plot's marks are the panels' marks. */
class SvgPath {
  d = ''
  #at = (x: number, y: number) => `${Math.round(x * 100) / 100} ${Math.round(y * 100) / 100}`
  moveTo(x: number, y: number): void {
    this.d += `M${this.#at(x, y)}`
  }
  lineTo(x: number, y: number): void {
    this.d += `L${this.#at(x, y)}`
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.d += `M${this.#at(x, y)}h${w}v${h}h${-w}z`
  }
  closePath(): void {
    this.d += 'z'
  }
  /** Clockwise, as a canvas draws it by default; a whole turn is two half arcs (one SVG arc cannot close on itself). */
  arc(x: number, y: number, r: number, from: number, to: number): void {
    const point = (angle: number) => this.#at(x + r * Math.cos(angle), y + r * Math.sin(angle))
    this.d += `L${point(from)}`
    if (to - from >= 2 * Math.PI) this.d += `A${r} ${r} 0 0 1 ${point(from + Math.PI)}A${r} ${r} 0 0 1 ${point(from)}`
    else this.d += `A${r} ${r} 0 ${to - from > Math.PI ? 1 : 0} 1 ${point(to)}`
  }
}

/** A technique's mark in the plot: its declared shape, about 9 px across. */
const markOf = (technique: BenchRow['technique']) => (x: number, y: number) => {
  const path = new SvgPath()
  traceShape(path, techniques[technique].shape, x, y, 9)
  return `<path d="${path.d}"/>`
}
const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
const short = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n))
/** Powers of ten covering the values (at least one decade), and a log scale onto [from, to] with a little margin. */
const decades = (values: number[], from: number, to: number) => {
  const lo = Math.floor(Math.log10(Math.min(...values)))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))))
  // A twentieth of the range on each side keeps marks on the edge decades off the frame.
  const pad = (hi - lo) / 20
  const scale = (v: number) =>
    Math.round((from + ((Math.log10(v) - lo + pad) / (hi - lo + 2 * pad)) * (to - from)) * 10) / 10
  return [lo, hi, scale] as const
}

/** p99 latency against clients, both on log scales, one line per technique and server; variant rows left out. */
export function latencySvg(rows: BenchRow[]): string {
  const [width, height] = [700, 420]
  const plot = { left: 70, right: 530, top: 52, bottom: 356 }
  const ink = '#1c1d21'
  const muted = '#5b5e66'
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13" fill="${ink}">`,
    `<title>${escapeXml('p99 delivery latency vs clients, wirewatch and bare baselines, per technique')}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${plot.left}" y="30" font-size="17" font-weight="600">${escapeXml('p99 delivery latency vs clients (20 events/s)')}</text>`
  ]
  const plain = rows.filter((r) => !r.variant && r.clients > 0)
  if (plain.length === 0)
    return [...out, '<text x="350" y="210" text-anchor="middle">no results</text>', '</svg>'].join('\n')
  const p99 = (r: BenchRow) => Math.max(0.1, r.latencyMs.p99)
  const [x0, x1, x] = decades(
    plain.map((r) => r.clients),
    plot.left,
    plot.right
  )
  const [y0, y1, y] = decades(plain.map(p99), plot.bottom, plot.top)
  const grid = `stroke="#e3e4e8" stroke-width="1"`
  for (let d = x0; d <= x1; d++) {
    const at = x(10 ** d)
    out.push(`<line x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.bottom}" ${grid}/>`)
    out.push(`<text x="${at}" y="${plot.bottom + 20}" text-anchor="middle" fill="${muted}">${short(10 ** d)}</text>`)
  }
  // 1-2-5 steps while the range is short; decades only once it spans many.
  const steps = y1 - y0 <= 3 ? [1, 2, 5] : [1]
  for (let d = y0; d <= y1; d++)
    for (const step of steps) {
      const ms = step * 10 ** d
      if (ms > 10 ** y1) break
      const at = y(ms)
      const label = ms < 1 ? String(Number(ms.toFixed(3))) : ms.toLocaleString('en-US')
      out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" ${grid}/>`)
      out.push(`<text x="${plot.left - 8}" y="${at}" dy="4" text-anchor="end" fill="${muted}">${label}</text>`)
    }
  out.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#b8bac2"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 44}" text-anchor="middle">clients (log scale)</text>`,
    `<text transform="translate(22 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">p99 latency, ms (log scale)</text>`
  )
  const series = new Map<string, BenchRow[]>()
  for (const r of plain)
    series.set(`${r.technique} ${r.server}`, [...(series.get(`${r.technique} ${r.server}`) ?? []), r])
  for (const points of series.values()) {
    const first = points[0]
    if (!first) continue
    const colour = techniques[first.technique].colour.light
    const bare = first.server === 'bare'
    const xy = points.toSorted((a, b) => a.clients - b.clients).map((r) => [x(r.clients), y(p99(r))] as const)
    const path = xy.map(([px, py]) => `${px},${py}`).join(' ')
    const dashes = bare ? ' stroke-dasharray="6 4"' : ''
    out.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2.5"${dashes}/>`)
    const marks = xy.map(([px, py]) => markOf(first.technique)(px, py)).join('')
    out.push(`<g fill="${bare ? '#ffffff' : colour}" stroke="${colour}" stroke-width="2">${marks}</g>`)
  }
  const circle = (x: number, y: number) => `<circle cx="${x}" cy="${y}" r="4"/>`
  const legend = (row: number, colour: string, bare: boolean, label: string, shape = circle) => {
    const [ly, dashes] = [plot.top + 10 + row * 24, bare ? ' stroke-dasharray="6 4"' : '']
    out.push(
      `<line x1="550" x2="580" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="2.5"${dashes}/>`,
      `<g fill="${bare ? '#ffffff' : colour}" stroke="${colour}" stroke-width="2">${shape(565, ly)}</g>`,
      `<text x="590" y="${ly}" dy="4">${escapeXml(label)}</text>`
    )
  }
  const shown = techniqueNames.filter((t): t is BenchRow['technique'] => plain.some((r) => r.technique === t))
  for (const [i, t] of shown.entries()) legend(i, techniques[t].colour.light, false, t, markOf(t))
  legend(shown.length + 0.5, muted, false, 'wirewatch')
  legend(shown.length + 1.5, muted, true, 'bare baseline')
  out.push('</svg>')
  return out.join('\n')
}
