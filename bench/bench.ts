// `npm run bench` (quick: 4 s windows, about 5 minutes) and `npm run bench -- --full`: each technique's fan-out
// capacity and wire cost, our server against a bare baseline (and a peer library) measured in the same run. Every
// server and every load generator is its own process, so CPU and memory are each one's own.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus, freemem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { redisInstalled } from '../cluster/redis-process.ts'
import { unseenGraceMs } from '../src/server/wire/capture/unseen-captures.ts'
import { techniques } from '../src/shared/techniques.ts'
import type { WireCounters } from '../src/shared/wire-stats.ts'
import { askAsPages } from './ask-as-pages.ts'
import { backplaneTable } from './backplane-table.ts'
import type { LoadCommand, LoadReply } from './load-clients.ts'
import { measurePage, type PageFigures } from './page-figures.ts'
import {
  type Case,
  isPeer,
  isThroughputRow,
  peers,
  plan,
  publishRate,
  redisInstances,
  rowServerOf,
  type ServerName,
  windowSeconds
} from './plan.ts'
import { latencySvg } from './plot.ts'
import { ask, type BenchRow, type ServerReply } from './protocol.ts'
import { protocolTable } from './protocol-table.ts'
import { ratioTable } from './ratio-table.ts'
import { type BenchRun, formatTable, resultsMarkdown } from './report.ts'
import { commit, machine } from './run-info.ts'
import { cpuOver, type ServerProcess, settle, startServer, statsOf, stopServer, wireReport } from './server-process.ts'
import { verdictLine, verdicts } from './targets.ts'
import { loadClientOf } from './techniques.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
/** Events published before the window opens: connections settle, JIT warms. */
const warmupMs = 1_000
/** How long the Redis rows sample the Redis's CPU with nothing published. */
const redisIdleMs = 1_000
/** One load process serves up to this many clients; more clients, more processes. */
const clientsPerLoadProcess = 5_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Report = Extract<LoadReply, { type: 'report' }>

function percentile(histogram: Map<number, number>, total: number, fraction: number): number {
  let seen = 0
  for (const [ms, count] of [...histogram].sort(([a], [b]) => a - b)) {
    seen += count
    if (seen >= fraction * total) return ms
  }
  return Number.NaN
}

async function measure(server: ServerProcess, test: Case, seconds: number): Promise<BenchRow> {
  if (loadClientOf(techniques[test.technique]) === undefined)
    throw new Error(`${test.technique}: no load client reads it (loadClientOf in bench/techniques.ts)`)
  if (test.pagesBefore) await askAsPages(server.port, test.technique, test.pagesBefore)
  await settle(server, 0)
  const rate = test.rate ?? publishRate
  const before = await statsOf(server, true)
  const processes = Math.ceil(test.clients / clientsPerLoadProcess)
  const loads = Array.from({ length: processes }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'bench/load-clients.ts'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
  )
  const command = (load: ChildProcess, message: LoadCommand) =>
    ask<LoadReply>(
      load,
      message,
      message.type === 'open' ? 'opened' : message.type === 'measure' ? 'measuring' : 'report'
    )
  try {
    const after =
      (await wireReport(server))?.latest ??
      (await ask<Extract<ServerReply, { type: 'stopped' }>>(server.child, { type: 'stop' }, 'stopped')).lastId
    const opened = await Promise.all(
      loads.map((load, index) =>
        command(load, {
          type: 'open',
          technique: test.technique,
          port: server.port,
          ports: [server, ...server.peers].map((instance) => instance.port),
          count: Math.ceil(test.clients / processes),
          after,
          pollMs: test.pollMs ?? 0,
          tag: `bench${index}`,
          livePages: Math.ceil((test.livePages ?? 0) / processes),
          ...(test.protocol ? { protocol: test.protocol } : {}),
          ...(isPeer(server.name) && peers[server.name].engineIo ? { engineIo: true } : {})
        })
      )
    )
    const open = opened.reduce((sum, reply) => sum + (reply.type === 'opened' ? reply.open : 0), 0)
    if (open < test.clients) throw new Error(`only ${open} of ${test.clients} ${test.technique} clients connected`)
    const live = opened.reduce((sum, reply) => sum + (reply.type === 'opened' ? reply.live : 0), 0)
    if (live < (test.livePages ?? 0)) throw new Error(`only ${live} of ${test.livePages} /wire/live pages connected`)
    // Our server captures a page's bytes only while someone can see them (`UnseenCaptures`): the load clients
    // are no pages, so they are measured as what they are, counted, once their connections' grace has passed.
    if (server.name.startsWith('wirewatch') && !test.livePages) await sleep(unseenGraceMs + 1_000)
    const connected = await statsOf(server, true)
    // The Redis's CPU with the clients connected and nothing published (its timers, the instances' health checks
    // and lease renewals), so the window's can be told apart from what the events cost it.
    let redisIdlePercent: number | undefined
    if (server.redis) {
      const idleFrom = { stats: await statsOf(server), at: Date.now() }
      await sleep(redisIdleMs)
      const idle = cpuOver(idleFrom.stats, await statsOf(server)).redis
      if (idle) redisIdlePercent = ((idle.user + idle.system) / 1000 / (Date.now() - idleFrom.at)) * 100
    }

    const { firstId } = await ask<Extract<ServerReply, { type: 'started' }>>(
      server.child,
      { type: 'start', rate },
      'started'
    )
    await sleep(warmupMs)
    const fromId = firstId + Math.round((warmupMs * rate) / 1000)
    await Promise.all(loads.map((load) => command(load, { type: 'measure', fromId })))
    // The window's clock is read beside its CPU: a busy server may take seconds to answer `GET /wire`, and a window
    // timed after that answer would count CPU and events from before it (the server's CPU % above 100 per core).
    const windowStart = { stats: await statsOf(server), at: Date.now(), wire: await wireReport(server) }
    await sleep(seconds * 1000)
    const { lastId } = await ask<Extract<ServerReply, { type: 'stopped' }>>(server.child, { type: 'stop' }, 'stopped')
    const windowEnd = { stats: await statsOf(server), at: Date.now(), wire: await wireReport(server) }
    const expected = open * (lastId - fromId + 1)
    // Let the last events (and, for pollers, the next poll) arrive before counting.
    let reports: Report[] = []
    for (let waited = 0; waited < (test.pollMs ?? 0) + 5_000; waited += 250) {
      await sleep(250)
      reports = (await Promise.all(loads.map((load) => command(load, { type: 'report', toId: lastId })))) as Report[]
      if (reports.reduce((sum, report) => sum + report.delivered, 0) >= expected) break
    }

    const histogram = new Map<number, number>()
    for (const report of reports)
      for (const [ms, count] of report.histogram) histogram.set(ms, (histogram.get(ms) ?? 0) + count)
    const samples = [...histogram.values()].reduce((a, b) => a + b, 0)
    const delivered = reports.reduce((sum, report) => sum + report.delivered, 0)
    // Every instance's CPU, and the Redis's: what the backplane costs is part of the server's cost.
    const windowCpu = cpuOver(windowStart.stats, windowEnd.stats)
    const events = lastId - fromId + 1
    const loadCpu = reports.reduce((sum, report) => sum + report.cpu.user + report.cpu.system, 0)
    const loadElapsed = Math.max(...reports.map((report) => report.elapsedMs))
    const windowSeconds = (windowEnd.at - windowStart.at) / 1000
    const wireRow =
      windowStart.wire && windowEnd.wire
        ? { start: windowStart.wire.techniques[test.technique], end: windowEnd.wire.techniques[test.technique] }
        : undefined
    // The HTTP/2 comparison: both directions of the row, and the connection row (TLS, HTTP/2's stream 0) apart,
    // per event `/wire` counted in the same window.
    const inOut = (counters: WireCounters | undefined) => (counters ? counters.bytesIn + counters.bytesOut : 0)
    const eventsCounted = wireRow ? Math.max(1, wireRow.end.events - wireRow.start.events) : 1
    const byProtocol =
      test.protocol && wireRow && windowStart.wire && windowEnd.wire
        ? {
            protocol: test.protocol,
            rowBytesPerDelivery: (inOut(wireRow.end) - inOut(wireRow.start)) / eventsCounted,
            connectionBytesPerDelivery:
              (inOut(windowEnd.wire.other.connection) - inOut(windowStart.wire.other.connection)) / eventsCounted
          }
        : {}
    const requests = reports.reduce((sum, report) => sum + report.requests, 0)
    const requestsPerSecond = requests / (loadElapsed / 1000)
    // The requests/s rows price a request: the window's CPU over the requests answered in it. An idle feed delivers
    // nothing, so it has no CPU per delivery (its server CPU % says what it cost).
    const work = isThroughputRow(test) ? requestsPerSecond * windowSeconds : delivered
    const cpu = (field: 'user' | 'system') => (work > 0 ? windowCpu[field] / work : Number.NaN)
    const perConnection = (field: 'rss' | 'heapUsed') => (connected.memory[field] - before.memory[field]) / 1024 / open
    return {
      technique: test.technique,
      server: rowServerOf(server.name),
      ...(test.variant ? { variant: test.variant } : {}),
      clients: open,
      seconds: Math.round(windowSeconds),
      latencyMs: {
        p50: percentile(histogram, samples, 0.5),
        p99: percentile(histogram, samples, 0.99),
        max: Math.max(...histogram.keys())
      },
      delivered,
      expected,
      publishedPerSecond: events / windowSeconds,
      askedPerSecond: rate,
      serverCpuUsPerDelivery: { user: cpu('user'), system: cpu('system') },
      ...(isThroughputRow(test) ? { cpuPerRequest: true as const } : {}),
      rssKiBPerConnection: perConnection('rss'),
      heapKiBPerConnection: perConnection('heapUsed'),
      ...(wireRow
        ? {
            wireBytesPerDelivery:
              (wireRow.end.bytesOut - wireRow.start.bytesOut) / Math.max(1, wireRow.end.events - wireRow.start.events)
          }
        : {}),
      loadCpuPercent: (loadCpu / 1000 / loadElapsed) * 100,
      serverCpuPercent: ((windowCpu.user + windowCpu.system) / 1000 / (windowSeconds * 1000)) * 100,
      ...(windowCpu.redis
        ? {
            backplane: {
              instances: 1 + server.peers.length,
              redisCpuUsPerEvent: (windowCpu.redis.user + windowCpu.redis.system) / Math.max(1, events),
              redisCpuPercent: ((windowCpu.redis.user + windowCpu.redis.system) / 1000 / (windowSeconds * 1000)) * 100,
              redisIdleCpuPercent: redisIdlePercent ?? Number.NaN
            }
          }
        : {}),
      ...(test.livePages ? { livePages: test.livePages } : {}),
      ...(test.pollMs !== undefined ? { requestsPerSecond } : {}),
      publishLagMs: windowEnd.stats.publishLagMs,
      gaps: reports.reduce((sum, report) => sum + report.gaps, 0),
      duplicates: reports.reduce((sum, report) => sum + report.duplicates, 0),
      errors: reports.reduce((sum, report) => sum + report.errors, 0),
      ...byProtocol
    }
  } finally {
    for (const load of loads) load.kill()
  }
}

// --only <technique|wire-live|http2|redis>, --clients <n>, --server <wirewatch|bare|socket.io|better-sse>, --variant <name|plain>: measure part
// of the plan; --seconds <n>: another window length (RESULTS.md is only written for the whole, at the planned length).
const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean' },
    only: { type: 'string' },
    clients: { type: 'string' },
    server: { type: 'string' },
    variant: { type: 'string' },
    seconds: { type: 'string' }
  },
  strict: true
})
const full = flags.full ?? false
const partial = [flags.only, flags.clients, flags.server, flags.variant, flags.seconds].some(
  (flag) => flag !== undefined
)
const seconds = flags.seconds ? Number(flags.seconds) : windowSeconds[full ? 'full' : 'quick']
const cases = plan(full).filter(
  (test) =>
    (flags.only === undefined ? !test.onlyWhenAsked : test.technique === flags.only || test.group === flags.only) &&
    (redisInstalled || redisInstances[test.server] === undefined) &&
    (flags.clients === undefined || String(test.clients) === flags.clients) &&
    (flags.variant === undefined || (test.variant ?? 'plain') === flags.variant) &&
    (flags.server === undefined || rowServerOf(test.server) === flags.server)
)
if (!redisInstalled && plan(full).some((test) => redisInstances[test.server] && !test.onlyWhenAsked))
  console.log('no redis-server here (apt-get install redis-server, or REDIS_SERVER_PATH): the Redis rows are left out')
console.log(
  `wirewatch bench (${full ? 'full' : 'quick'}): ${cases.length} rows, ${seconds} s each, ${publishRate} events/s; ${cpus().length} cores, ${Math.round(freemem() / 2 ** 30)} GiB free`
)

const servers = new Map<ServerName, ServerProcess>()
const rows: BenchRow[] = []
let page: PageFigures | undefined
try {
  for (const test of cases) {
    const began = Date.now()
    let row: BenchRow
    if (isThroughputRow(test)) {
      const fresh = await startServer(test.server)
      try {
        row = await measure(fresh, test, seconds)
      } finally {
        await stopServer(fresh)
      }
    } else {
      let server = servers.get(test.server)
      if (!server) {
        server = await startServer(test.server)
        servers.set(test.server, server)
      }
      row = await measure(server, test, seconds)
    }
    rows.push(row)
    console.log(`${formatTable([row]).split('\n')[2]}  (${((Date.now() - began) / 1000).toFixed(1)} s)`)
  }
  if (!partial) {
    // The page as a student opens it, on our server with the feed at the same rate.
    const server = servers.get('wirewatch') ?? (await startServer('wirewatch'))
    servers.set('wirewatch', server)
    await settle(server, 0)
    await ask(server.child, { type: 'start', rate: publishRate }, 'started')
    page = await measurePage(`http://127.0.0.1:${server.port}`)
    await ask(server.child, { type: 'stop' }, 'stopped')
  }
} finally {
  // Disconnecting lets each server exit by itself (and write its profile, if asked).
  await Promise.all([...servers.values()].map(stopServer))
}

const found = verdicts(rows, page)
const notes = found.map(verdictLine)
console.log(`\n${formatTable(rows)}\n\n${ratioTable(rows)}\n`)
if (rows.some((row) => row.protocol)) console.log(`${protocolTable(rows)}\n\n${protocolTable(rows, 'markdown')}\n`)
if (rows.some((row) => row.backplane)) console.log(`${backplaneTable(rows)}\n\n${backplaneTable(rows, 'markdown')}\n`)
if (page)
  console.log(
    `page: ${(page.pageJsGzipBytes / 1000).toFixed(1)} kB of JavaScript gzipped; first event ${Object.entries(
      page.firstEventMs
    )
      .map(([name, ms]) => `${name} ${ms.any === null ? 'never' : `${Math.round(ms.any)} ms`}`)
      .join(', ')}`
  )
console.log(`\ntargets:\n${notes.map((note) => `  ${note}`).join('\n')}`)

if (full && !partial) {
  const run: BenchRun = {
    mode: 'full',
    date: new Date().toISOString(),
    commit: commit(),
    machine: machine(),
    rows,
    notes,
    ...(page ? { page } : {})
  }
  writeFileSync(new URL('RESULTS.md', import.meta.url), resultsMarkdown(run, 'latency.svg'))
  writeFileSync(new URL('latency.svg', import.meta.url), latencySvg(rows))
  console.log('\nwritten: bench/RESULTS.md, bench/latency.svg')
}
