// Issue 24's targets, checked against a run's rows. Goals, not tests: the bench prints each as met, NOT met, or not
// measured in this run (a partial run), with the figures it was judged on. A ratio where either server fell below
// its publish rate is not comparable (bench/comparison.ts), and a target that needs it is not met.
import { allTechniques, isPulled, type TechniqueName } from '../src/shared/techniques.ts'
import { keptRate, peerOf, type Ratio, ratioBetween, ratioText, sameRowOf } from './comparison.ts'
import type { PageFigures } from './page-figures.ts'
import { fanOutTargets, livePagesVariant, manyPagesVariant, pairVariant, requestsVariant } from './plan.ts'
import type { BenchRow } from './protocol.ts'
import { benchedTechniques } from './techniques.ts'

export interface Verdict {
  target: string
  /** The figures judged; undefined when the run lacks rows the target needs. */
  measured?: string
  met: boolean
}

/** One line of the targets' list: `met: …`, `NOT met: …` or `not measured in this run: …`. */
export const verdictLine = ({ target, measured, met }: Verdict) =>
  measured === undefined ? `not measured in this run: ${target}` : `${met ? 'met' : 'NOT met'}: ${target} — ${measured}`

const fixed = (value: number | undefined, digits = 2) =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : '—'
const thousands = (n: number) => n.toLocaleString('en')
/** A ratio met its bound only when both sides kept their publish rate. */
const within = (ratio: Ratio, field: 'cpu' | 'p99', bound: number) => ratio.comparable && ratio[field] <= bound
const rate = (row: BenchRow) => `${fixed(row.publishedPerSecond, 1)}/${row.askedPerSecond} events/s`

function oursOf(rows: BenchRow[], technique: TechniqueName, clients: number, variant?: string) {
  return rows.find(
    (row) =>
      row.server === 'wirewatch' && row.technique === technique && row.clients === clients && row.variant === variant
  )
}

/** Ours against bare and the technique's peer library, for the fan-out and long-polling targets. */
function againstBareAndPeer(rows: BenchRow[], technique: TechniqueName, clients: number) {
  const ours = oursOf(rows, technique, clients)
  const peer = peerOf[technique] ?? 'bare'
  const bare = ours && sameRowOf(ours, rows, 'bare')
  const peerRow = ours && sameRowOf(ours, rows, peer)
  if (!ours || !bare || !peerRow) return { peer }
  return { peer, ours, bare: ratioBetween(ours, bare), ofPeer: ratioBetween(ours, peerRow) }
}

export function verdicts(rows: BenchRow[], page: PageFigures | undefined): Verdict[] {
  return [
    ...fanOutTargets.flatMap((technique) => [1_000, 5_000].map((clients) => fanOutVerdict(rows, technique, clients))),
    longPollingVerdict(rows),
    ...pollingVerdicts(rows),
    ...fanOutTargets.map((technique) => tenThousandVerdict(rows, technique)),
    liveChannelVerdict(rows),
    ...pageVerdicts(page),
    ...presenceVerdicts(rows)
  ]
}

/** WebSocket and SSE: CPU per delivery against bare and the peer library, p99 against bare. */
function fanOutVerdict(rows: BenchRow[], technique: TechniqueName, clients: number): Verdict {
  const { peer, ours, bare, ofPeer } = againstBareAndPeer(rows, technique, clients)
  const target = `${technique}, ${thousands(clients)} clients: CPU/delivery ≤ 1.0× bare and ≤ 0.8× ${peer}; p99 ≤ 1.1× bare`
  if (!ours || !bare || !ofPeer) return { target, met: false }
  return {
    target,
    measured: `CPU ${ratioText(bare, 'cpu')}× bare, ${ratioText(ofPeer, 'cpu')}× ${peer}; p99 ${ratioText(bare, 'p99')}× bare`,
    met: within(bare, 'cpu', 1) && within(ofPeer, 'cpu', 0.8) && within(bare, 'p99', 1.1)
  }
}

/** Long polling at 1,000 clients: CPU against bare and Socket.IO's polling transport, p99 in ms. */
function longPollingVerdict(rows: BenchRow[]): Verdict {
  const { peer, ours, bare, ofPeer } = againstBareAndPeer(rows, 'long-polling', 1_000)
  const target = `long-polling, 1,000 clients: CPU/delivery ≤ 1.2× bare and below ${peer}'s polling transport; p99 ≤ 40 ms`
  if (!ours || !bare || !ofPeer) return { target, met: false }
  return {
    target,
    measured: `CPU ${ratioText(bare, 'cpu')}× bare, ${ratioText(ofPeer, 'cpu')}× ${peer}; p99 ${ours.latencyMs.p99} ms at ${rate(ours)}`,
    met: within(bare, 'cpu', 1.2) && ofPeer.comparable && ofPeer.cpu < 1 && keptRate(ours) && ours.latencyMs.p99 <= 40
  }
}

/** 10,000 clients at 20 events/s: the rate kept and p99 under 150 ms (and every event there, or p99 says little). */
function tenThousandVerdict(rows: BenchRow[], technique: TechniqueName): Verdict {
  const ten = oursOf(rows, technique, 10_000)
  const target = `${technique}, 10,000 clients: 20 events/s kept, p99 < 150 ms, every event delivered`
  if (!ten) return { target, met: false }
  const delivered = ten.delivered >= ten.expected ? 'all' : `${ten.delivered}/${ten.expected}`
  return {
    target,
    measured: `${rate(ten)}, p99 ${ten.latencyMs.p99} ms, ${delivered} delivered`,
    met: keptRate(ten) && ten.askedPerSecond >= 20 && ten.latencyMs.p99 < 150 && ten.delivered >= ten.expected
  }
}

/** Requests/s against the bare GET, and ours again after 10,000 distinct pages have asked. */
function pollingVerdicts(rows: BenchRow[]): Verdict[] {
  const ours = oursOf(rows, 'polling', 50, requestsVariant)
  const bare = ours && sameRowOf(ours, rows, 'bare')
  const perSecond = (row: BenchRow) => `${Math.round(row.requestsPerSecond ?? 0).toLocaleString('en')} req/s`
  const versus = (a: BenchRow, b: BenchRow) => {
    const comparable = keptRate(a) && keptRate(b)
    const ratio = (a.requestsPerSecond ?? 0) / (b.requestsPerSecond ?? Number.NaN)
    return { ratio, comparable, text: `${fixed(ratio)}${comparable ? '' : '*'}×` }
  }
  const found: Verdict[] = []
  const target = 'polling: requests/s ≥ 0.9× the bare GET (max req/s rows)'
  if (!ours || !bare) found.push({ target, met: false })
  else {
    const { ratio, comparable, text } = versus(ours, bare)
    found.push({
      target,
      measured: `${perSecond(ours)} vs ${perSecond(bare)} = ${text}`,
      met: comparable && ratio >= 0.9
    })
  }
  const afterTarget = 'polling: requests/s no more than 5 % lower after 10,000 distinct page ids'
  const pairs = manyPagesPairsOf(rows)
  if (pairs.length === 0) found.push({ target: afterTarget, met: false })
  else {
    const ratios = pairs.map(([before, after]) => versus(after, before))
    const median = medianOf(ratios.map(({ ratio }) => ratio))
    const [before, after] = pairs[0] as [BenchRow, BenchRow]
    found.push({
      target: afterTarget,
      measured:
        pairs.length === 1
          ? `${perSecond(after)} after vs ${perSecond(before)} before = ${ratios[0]?.text}`
          : `${pairs.length} pairs, each after ÷ before: ${ratios.map(({ text }) => text).join(', ')}; median ${fixed(median, 3)}×`,
      met: ratios.every(({ comparable }) => comparable) && median >= 0.95
    })
  }
  return found
}

/** Our max req/s rows before and after the 10,000 page ids, pair by pair, as far as the run has both. */
function manyPagesPairsOf(rows: BenchRow[]): [BenchRow, BenchRow][] {
  const pairs: [BenchRow, BenchRow][] = []
  for (let pair = 1; ; pair++) {
    const before = oursOf(rows, 'polling', 50, pairVariant(requestsVariant, pair))
    const after = oursOf(rows, 'polling', 50, pairVariant(manyPagesVariant, pair))
    if (!before || !after) return pairs
    pairs.push([before, after])
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** The pages' stats channel, the feed idle: the whole server's CPU with the pages, an upper bound on their cost. */
function liveChannelVerdict(rows: BenchRow[]): Verdict {
  const target = '/wire/live at 1,000 pages beside 1,000 WebSocket feed clients: ≤ 5 % of a core at an idle feed'
  const withLive = oursOf(rows, 'websocket', 1_000, livePagesVariant(1_000))
  const without = oursOf(rows, 'websocket', 1_000, livePagesVariant(0))
  if (withLive?.serverCpuPercent === undefined) return { target, met: false }
  return {
    target,
    measured: `server CPU ${fixed(withLive.serverCpuPercent, 1)} % of a core with the pages (${fixed(without?.serverCpuPercent, 1)} % without)`,
    met: withLive.askedPerSecond === 0 && withLive.serverCpuPercent <= 5
  }
}

function pageVerdicts(page: PageFigures | undefined): Verdict[] {
  const first = 'front-end: first event visible in every push panel < 1 s after load'
  const size = "front-end: the page's JavaScript ≤ 100 kB gzipped"
  if (!page)
    return [
      { target: first, met: false },
      { target: size, met: false }
    ]
  // The panels the server sends news to as it comes: on an open response or connection, or to a held long poll.
  const push = allTechniques
    .filter((technique) => !isPulled(technique) || technique.asking === 'again at once')
    .map(({ name }) => [name, page.firstEventMs[name]?.any ?? null] as const)
  return [
    {
      target: first,
      measured: push.map(([name, ms]) => `${name} ${ms === null ? 'never' : `${Math.round(ms)} ms`}`).join(', '),
      met: push.every(([, ms]) => ms !== null && ms < 1000)
    },
    { target: size, measured: `${fixed(page.pageJsGzipBytes / 1000, 1)} kB`, met: page.pageJsGzipBytes <= 100_000 }
  ]
}

/** The comparisons that must exist: each streaming technique, HTTP/2 and Redis against the plain in-memory server. */
function presenceVerdicts(rows: BenchRow[]): Verdict[] {
  const present = (target: string, missing: string[], seen: string) =>
    missing.length > 0 ? { target, met: false } : { target, measured: seen, met: true }
  const streaming = benchedTechniques.filter(({ streamed, upgrades }) => streamed || upgrades).map(({ name }) => name)
  const plain = (technique: TechniqueName, server: BenchRow['server']) =>
    rows.some((row) => row.server === server && row.technique === technique && row.variant === undefined)
  const http2 = rows.filter((row) => row.protocol === 'http2')
  const redis = rows.filter((row) => row.backplane)
  return [
    present(
      'rows: every streaming technique on ours beside its bare HTTP/1.1 baseline',
      streaming.filter((technique) => !plain(technique, 'wirewatch') || !plain(technique, 'bare')),
      streaming.join(', ')
    ),
    present(
      'rows: HTTP/2 beside HTTP/1.1 on the same clients',
      http2.length > 0 &&
        http2.every((row) => rows.some((r) => r.protocol === 'http1' && r.technique === row.technique))
        ? []
        : ['http2'],
      [...new Set(http2.map((row) => row.technique))].join(', ')
    ),
    present(
      'rows: the Redis mode beside the in-memory server',
      redis.length > 0 && rows.some((row) => row.variant === 'in memory') ? [] : ['redis'],
      `${redis.length} Redis rows`
    )
  ]
}
