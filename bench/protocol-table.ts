// The HTTP/2 rows' own table (`npm run bench -- --only http2`): each technique over HTTP/2 beside the same
// technique over HTTP/1.1, both over TLS to one `--http2` server, with what `/wire` counted on each.
import { cpuPerUnit, keptRate } from './comparison.ts'
import type { BenchRow } from './protocol.ts'

const none = '—'
const finite = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
const fixed = (n: number | undefined, digits: number) => (finite(n) ? n.toFixed(digits) : none)
const round = (n: number | undefined) =>
  finite(n) ? (Math.abs(n) < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : none
const allBytes = (row: BenchRow) => (row.rowBytesPerDelivery ?? Number.NaN) + (row.connectionBytesPerDelivery ?? 0)

/** The HTTP/1.1-over-TLS row an HTTP/2 row is compared with: same technique, clients and server. */
function http1Of(row: BenchRow, rows: BenchRow[]): BenchRow | undefined {
  if (row.protocol !== 'http2') return undefined
  return rows.find(
    (other) => other.protocol === 'http1-tls' && other.technique === row.technique && other.clients === row.clients
  )
}

type Column = [head: string, cell: (row: BenchRow, rows: BenchRow[]) => string]

const columns: Column[] = [
  ['technique', (r) => r.technique],
  [
    'protocol',
    (r) => ({ http1: 'HTTP/1.1 plain', 'http1-tls': 'HTTP/1.1 TLS', http2: 'HTTP/2' })[r.protocol ?? 'http1']
  ],
  ['clients', (r) => round(r.clients)],
  ['p50 ms', (r) => round(r.latencyMs.p50)],
  ['p99 ms', (r) => round(r.latencyMs.p99)],
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
  ['CPU ×h1', (r, rows) => fixed(((h1) => h1 && cpuPerUnit(r) / cpuPerUnit(h1))(http1Of(r, rows)), 2)],
  ['row B/deliv', (r) => round(r.rowBytesPerDelivery)],
  ['conn B/deliv', (r) => round(r.connectionBytesPerDelivery)],
  [
    'row B ×h1',
    (r, rows) =>
      fixed(
        ((h1) => h1 && (r.rowBytesPerDelivery ?? Number.NaN) / (h1.rowBytesPerDelivery ?? Number.NaN))(
          http1Of(r, rows)
        ),
        2
      )
  ],
  ['all B ×h1', (r, rows) => fixed(((h1) => h1 && allBytes(r) / allBytes(h1))(http1Of(r, rows)), 2)],
  ['load CPU %', (r) => round(r.loadCpuPercent)]
]

const legend = [
  'TLS rows: both protocols to one server (`--http2`: HTTP/2, and HTTP/1.1 on the same port), so both count bytes',
  'alike. HTTP/1.1 plain: the same clients on plain TCP to the plain server (what TLS costs, in the same run).',
  'row B/deliv: the technique row of `/wire`, bytes in + out in the window ÷ events it counted (inside TLS; over',
  "HTTP/2 its streams' frames, 9-byte headers included). conn B/deliv: the `connection` row likewise (TLS's own",
  "bytes; over HTTP/2 also the preface and stream 0's frames). all B = row + conn. ×h1 = HTTP/2 ÷ HTTP/1.1.",
  "gaps: events a client's cursor skipped; errors: socket, session and stream errors, refusals. * the 20 events/s",
  'asked were not kept (below 19/s). WebSocket has no HTTP/2 row: it upgrades over HTTP/1.1 on this server too',
  '(no RFC 8441), so it would be its HTTP/1.1 row.'
]

/** The rows of the HTTP/2 comparison (`protocol` set), as a fixed-width table for the terminal or as Markdown. */
export function protocolTable(all: BenchRow[], format: 'terminal' | 'markdown' = 'terminal'): string {
  const rows = all.filter((row) => row.protocol)
  const body = rows.map((row) => columns.map(([, cell]) => cell(row, rows)))
  const heads = columns.map(([head]) => head)
  if (format === 'markdown') {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`
    return [line(heads), `|${columns.map((_, i) => (i < 2 ? ':---' : '---:')).join('|')}|`, ...body.map(line)].join(
      '\n'
    )
  }
  const widths = heads.map((head, i) => Math.max(head.length, ...body.map((cells) => cells[i]?.length ?? 0)))
  const line = (cells: string[]) =>
    cells.map((v, i) => (i < 2 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ')
  return [line(heads), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line), '', ...legend].join('\n')
}
