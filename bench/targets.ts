// Issue 6's targets, checked against a run's rows. Goals, not tests: the bench reports each as
// met or not with the measured figure, and RESULTS.md keeps the verdicts beside the table.
import { allTechniques, isPulled, type TechniqueName } from '../src/shared/techniques.ts'
import type { PageFigures } from './page-figures.ts'
import type { BenchRow } from './protocol.ts'
import { ratioOf } from './report.ts'

export interface Verdict {
  target: string
  measured: string
  met: boolean
}

/** The variant of the live channel's rows (see `plan` in `bench/bench.ts`): with and without the pages. */
export function livePagesVariant(livePages: number): string {
  return livePages > 0 ? `${livePages.toLocaleString('en')} /wire/live pages` : 'no /wire/live pages'
}

/** The techniques with issue 6's fan-out targets, at 5,000 and 10,000 clients. */
export const fanOutTargets: readonly TechniqueName[] = ['websocket', 'sse']

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : '—')

function rowOf(rows: BenchRow[], technique: BenchRow['technique'], clients: number, variant?: string) {
  return rows.find(
    (row) =>
      row.server === 'wirewatch' && row.technique === technique && row.clients === clients && row.variant === variant
  )
}

export function verdicts(rows: BenchRow[], page: PageFigures | undefined): Verdict[] {
  const found: Verdict[] = []
  const all = (row: BenchRow) => row.delivered >= row.expected
  for (const technique of fanOutTargets) {
    const five = rowOf(rows, technique, 5_000)
    const ratio = five && ratioOf(five, rows)
    if (five && ratio)
      found.push({
        target: `${technique}, 5,000 clients: all delivered, p99 ≤ bare, CPU/delivery ≤ 0.9× bare`,
        measured: `${all(five) ? 'all' : `${five.delivered}/${five.expected}`}, p99 ${fixed(ratio.p99)}×, CPU ${fixed(ratio.cpu)}×`,
        met: all(five) && ratio.p99 <= 1 && ratio.cpu <= 0.9
      })
    const ten = rowOf(rows, technique, 10_000)
    if (ten)
      found.push({
        target: `${technique}, 10,000 clients: 20 events/s kept, p99 < 150 ms, all delivered`,
        measured: `${fixed(ten.publishedPerSecond, 1)}/s, p99 ${ten.latencyMs.p99} ms, ${all(ten) ? 'all' : `${ten.delivered}/${ten.expected}`}`,
        met: ten.publishedPerSecond >= 19 && ten.latencyMs.p99 < 150 && all(ten)
      })
  }
  const longPolls = rowOf(rows, 'long-polling', 1_000)
  const longRatio = longPolls && ratioOf(longPolls, rows)
  if (longPolls && longRatio)
    found.push({
      target: 'long-polling, 1,000 clients: all delivered, p99 ≤ 40 ms, CPU/delivery ≤ 1.2× bare',
      measured: `${all(longPolls) ? 'all' : `${longPolls.delivered}/${longPolls.expected}`}, p99 ${longPolls.latencyMs.p99} ms, CPU ${fixed(longRatio.cpu)}×`,
      met: all(longPolls) && longPolls.latencyMs.p99 <= 40 && longRatio.cpu <= 1.2
    })
  const polls = rowOf(rows, 'polling', 50, 'max req/s')
  const barePolls = rows.find((row) => row.server === 'bare' && row.variant === 'max req/s')
  if (polls?.requestsPerSecond && barePolls?.requestsPerSecond) {
    const ratio = polls.requestsPerSecond / barePolls.requestsPerSecond
    found.push({
      target: 'polling: requests/s ≥ 0.9× the bare GET',
      measured: `${Math.round(polls.requestsPerSecond)} vs ${Math.round(barePolls.requestsPerSecond)} req/s = ${fixed(ratio)}×`,
      met: ratio >= 0.9
    })
  }
  const captureOn = rows.find((row) => row.server === 'wirewatch' && row.variant === 'capture on/off')
  const captureOff = rows.find((row) => row.variant === 'capture off')
  if (captureOn && captureOff) {
    const cpu = (row: BenchRow) => row.serverCpuUsPerDelivery.user + row.serverCpuUsPerDelivery.system
    const difference = (cpu(captureOn) / cpu(captureOff) - 1) * 100
    found.push({
      target: `wire capture on vs off (websocket, ${captureOn.clients} clients): ≤ 5 % CPU difference`,
      measured: `${fixed(cpu(captureOn), 1)} vs ${fixed(cpu(captureOff), 1)} µs/delivery = ${difference >= 0 ? '+' : ''}${fixed(difference, 1)} %`,
      met: difference <= 5
    })
  }
  const withLive = rows.find((row) => row.server === 'wirewatch' && (row.livePages ?? 0) > 0)
  const withoutLive = rows.find((row) => row.server === 'wirewatch' && row.variant === livePagesVariant(0))
  if (withLive?.serverCpuPercent !== undefined && withoutLive?.serverCpuPercent !== undefined) {
    const cost = withLive.serverCpuPercent - withoutLive.serverCpuPercent
    found.push({
      target: `/wire/live, ${withLive.livePages} pages next to ${withLive.clients} WebSocket feed clients: ≤ 5 % of a core`,
      measured: `server CPU ${fixed(withLive.serverCpuPercent, 1)} % with vs ${fixed(withoutLive.serverCpuPercent, 1)} % without = ${cost >= 0 ? '+' : ''}${fixed(cost, 1)} % of a core`,
      met: cost <= 5
    })
  }
  if (page) {
    found.push({
      target: "front-end: the page's JavaScript ≤ 100 KB gzipped",
      measured: `${fixed(page.pageJsGzipBytes / 1000, 1)} kB`,
      met: page.pageJsGzipBytes <= 100_000
    })
    // The panels the server sends news to as it comes: on an open response or connection, or to a held long poll.
    const push = allTechniques
      .filter((technique) => !isPulled(technique) || technique.asking === 'again at once')
      .map(({ name }) => [name, page.firstEventMs[name]?.any ?? null] as const)
    found.push({
      target: 'front-end: first event visible in every push panel within 1 s of load',
      measured: push.map(([name, ms]) => `${name} ${ms === null ? 'never' : `${Math.round(ms)} ms`}`).join(', '),
      met: push.every(([, ms]) => ms !== null && ms <= 1000)
    })
  }
  return found
}
