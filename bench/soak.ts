// Soak: the real server in a child process, 150 simulated pages spread over every technique for ten minutes,
// then: no errors, no lost or duplicated events, server memory flat, every stream and socket kept (a reconnect is a
// cut, counted apart from requests, with who made it). Run with `npm run soak [-- --seconds 60]`.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { FeedPage } from '../src/shared/feed-event.ts'
import { techniqueNames, techniques } from '../src/shared/techniques.ts'
import { fetchText, makeAgent, makeClient, type SoakClient, type Target, TechniqueStats } from './soak-clients.ts'
import { closers } from './soak-connections.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const presenterToken = 'soak'
const rssEveryMs = 2_000
/** Clients of each technique that chat, and how often (the server allows about 20 chats per client per 10 s). */
const chattersPerTechnique = 2
const chatEveryMs = 12_000
const maxDriftPercent = 10
/**
 * Cuts (reconnects) a kept stream or socket may suffer per client per 10 minutes; a shorter run counts as
 * 10 minutes, so one stray cut in a short run is not read as a rate. A page keeps its stream for as long as
 * it is open and the soak's clients never switch off on purpose, so a healthy run has none; a stray reset
 * on a busy machine is let pass, while any server or client limit on a stream's life (a 5-minute
 * request timeout cuts every client twice in 10 minutes, even a 10-minute cap once) fails.
 */
const maxCutsPerClientPer10Min = 0.25

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

function options(): { durationMs: number; clients: number } {
  const { values } = parseArgs({
    options: { minutes: { type: 'string' }, seconds: { type: 'string' }, clients: { type: 'string' } },
    strict: true
  })
  const seconds = values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? 10) * 60
  const clients = Number(values.clients ?? 150)
  if (!(seconds >= 15)) throw new Error('the run must last at least 15 s (--seconds <n> or --minutes <n>)')
  if (!Number.isInteger(clients) || clients < techniqueNames.length)
    throw new Error(`--clients must be at least ${techniqueNames.length}, one per technique`)
  return { durationMs: seconds * 1000, clients }
}

/** The server as the user starts it (`main.ts`, no build needed for the feed), on a free port. */
interface Server {
  child: ChildProcess
  port: number
  /** Log lines at warn level or above, and anything on stderr. */
  problems: string[]
  exited: Promise<number | null>
}

async function startServer(): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      FEED_RATE: '10',
      PRESENTER_TOKEN: presenterToken,
      LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const problems: string[] = []
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => problems.push(...chunk.trim().split('\n')))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not say where it listens within 30 s')), 30_000)
    let started = false
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const listening = /^ {2}http:\/\/127\.0\.0\.1:(\d+)\//.exec(line)
        if (!started && listening) {
          started = true
          clearTimeout(timer)
          resolve(Number(listening[1]))
        } else if (line.startsWith('{')) problems.push(line) // LOG_LEVEL=warn: every JSON log line is a warning or worse
      }
    })
    exited.then((code) => reject(new Error(`the server exited (${code}) before listening: ${problems.join('\n')}`)))
  })
  return { child, port, problems, exited }
}

/** Resident memory of a process, kB, from /proc. */
function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN)
  } catch {
    return Number.NaN // the server is gone: the drift check fails and the exit code says why
  }
}

/** User + system CPU of a process, seconds, from /proc (fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  try {
    // The command name (field 2) may hold spaces, so count fields from the closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return Number.NaN
  }
}

const { durationMs, clients: clientCount } = options()
const server = await startServer()
const { pid } = server.child
if (pid === undefined) throw new Error('no server pid')
const target: Target = { host: '127.0.0.1', port: server.port, agent: makeAgent() }
console.log(`soak: server pid ${pid} on port ${server.port}, ${clientCount} clients for ${durationMs / 1000} s`)

const stats = new Map(techniqueNames.map((name) => [name, new TechniqueStats(name)]))
const clients: SoakClient[] = []
for (let n = 0; n < clientCount; n++) {
  const technique = techniqueNames[n % techniqueNames.length] ?? 'refresh'
  const index = Math.floor(n / techniqueNames.length)
  const technStats = stats.get(technique) as TechniqueStats
  clients.push(makeClient(technique, index, target, technStats, index < chattersPerTechnique ? chatEveryMs : undefined))
}

const rss: { at: number; kb: number }[] = []
const started = Date.now()
const loadCpu = process.cpuUsage()
const serverCpuStart = cpuSeconds(pid)
const sampler = setInterval(() => rss.push({ at: Date.now() - started, kb: rssKb(pid) }), rssEveryMs)
const totals = () =>
  [...stats.values()].reduce((sum, s) => ({ events: sum.events + s.events, errors: sum.errors + s.errors }), {
    events: 0,
    errors: 0
  })
const progress = setInterval(() => {
  const { events, errors } = totals()
  const kb = rss.at(-1)?.kb ?? 0
  console.log(
    `  ${Math.round((Date.now() - started) / 1000)} s: ${events} events received, ${errors} errors, server RSS ${(kb / 1024).toFixed(1)} MiB`
  )
}, 30_000)

// Pages arrive over two seconds, not in one burst.
for (const client of clients) {
  client.start()
  await sleep(2_000 / clients.length)
}
await sleep(durationMs - (Date.now() - started))
clearInterval(sampler)
clearInterval(progress)
const loadCpuUsed = process.cpuUsage(loadCpu)
const serverCpuUsed = cpuSeconds(pid) - serverCpuStart
const loadMs = Date.now() - started

// Freeze the feed, then give every resuming client time to reach its newest id.
await Promise.all(clients.map((client) => client.stopChatting()))
const failed: string[] = []
/** The feed's newest id once paused; NaN when the server cannot be asked (then every check below fails loudly). */
async function pauseFeed(): Promise<number> {
  try {
    const pause = await fetchText(target, 'PUT', '/feed/ticker', {
      body: { paused: true },
      headers: { authorization: `Bearer ${presenterToken}` }
    }).done
    if (pause.status !== 200) throw new Error(`${pause.status} ${pause.text}`)
    await sleep(500)
    return (JSON.parse((await fetchText(target, 'GET', '/feed/polling').done).text) as FeedPage).latest
  } catch (error) {
    failed.push(`pausing the feed and reading its latest id failed: ${(error as Error).message}`)
    return Number.NaN
  }
}
const latest = await pauseFeed()
const resuming = clients.filter((client) => client.resumes)
const catchUpUntil = Date.now() + 10_000
while (Date.now() < catchUpUntil && !resuming.every((client) => client.caughtUp(latest))) await sleep(200)
for (const client of clients) {
  client.stop()
  client.settle(latest)
}
target.agent.destroy()

server.child.kill('SIGTERM')
const exitCode = await Promise.race([server.exited, sleep(10_000).then(() => 'still running after 10 s')])
if (typeof exitCode === 'string') server.child.kill('SIGKILL')

// The table.
// The heap breathes by tens of MiB between collections, so each end is the median of a window, not one sample:
// start = the window right after the warm-up, end = the last window of the run (each 10 % of it, at least 10 s).
const warmupMs = Math.max(10_000, durationMs / 10)
const windowMs = Math.max(10_000, durationMs / 10)
const kbBetween = (from: number, to: number) => rss.filter((s) => s.at >= from && s.at < to).map((s) => s.kb)
const rssStart = median(kbBetween(warmupMs, warmupMs + windowMs))
const rssEnd = median(kbBetween(loadMs - windowMs, Number.POSITIVE_INFINITY))
const drift = ((rssEnd - rssStart) / rssStart) * 100
const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value}`)
const keepsOpen = (s: TechniqueStats) => techniques[s.name].asking === 'once'
const header = ['technique', 'clients', 'requests', 'chats', 'events', 'lost', 'dup', 'errors', 'p50 ms', 'p99 ms']
const rows = [...stats.values()].map((s) => {
  const noCursor = !techniques[s.name].resumable
  return [
    s.name,
    s.clients,
    keepsOpen(s) ? '-' : s.requests,
    s.chats,
    s.events,
    noCursor ? 'n/a' : s.lost,
    noCursor ? 'n/a' : s.duplicated,
    s.errors,
    ms(s.latency.percentile(0.5)),
    ms(s.latency.percentile(0.99))
  ].map(String)
})
/** A table with the first column to the left and the rest to the right, under a ruled header. */
function table(head: string[], body: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')
  return `${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}`
}
// Cuts per client per 10 minutes, a run shorter than 10 minutes counting as 10 (see maxCutsPerClientPer10Min).
const cutRate = (s: TechniqueStats) => s.connections.cuts / s.clients / Math.max(1, loadMs / 600_000)
const connectionHeader = [
  'technique',
  'clients',
  'opened',
  'reconnects',
  '/client/10 min',
  ...closers.map((c) => `by ${c}`)
]
const connectionRows = [...stats.values()].map((s) => {
  const { opened, cuts, closedBy } = s.connections
  if (!keepsOpen(s)) return [s.name, `${s.clients}`, 'pull', '-', '-', ...closers.map(() => '-')]
  return [
    s.name,
    `${s.clients}`,
    `${opened}`,
    `${cuts}`,
    cutRate(s).toFixed(2),
    ...closers.map((c) => `${closedBy[c]}`)
  ]
})
const mib = (kb: number) => `${(kb / 1024).toFixed(1)} MiB`
console.log(`\n${table(header, rows)}`)
console.log(
  `\nconnections kept open (opened = first + reconnects; a reconnect follows every cut):\n${table(connectionHeader, connectionRows)}`
)
const cutSamples = [...stats.values()].flatMap((s) => s.connections.samples.map((sample) => `  ${s.name} ${sample}`))
if (cutSamples.length > 0) console.log(`first cuts:\n${cutSamples.join('\n')}`)
console.log(
  [
    '',
    `duration ${(loadMs / 1000).toFixed(0)} s of load, feed at 10 events/s, ended at id ${latest}`,
    `server RSS: start ${mib(rssStart)} (median of ${warmupMs / 1000}–${(warmupMs + windowMs) / 1000} s), end ${mib(rssEnd)} (median of the last ${windowMs / 1000} s), drift ${drift.toFixed(1)} % (limit ${maxDriftPercent} %)`,
    `server CPU: ${serverCpuUsed.toFixed(1)} s (${((serverCpuUsed / (loadMs / 1000)) * 100).toFixed(0)} % of one core); load generator CPU: ${((loadCpuUsed.user + loadCpuUsed.system) / 1e6).toFixed(1)} s`,
    'latency: server timestamp `at` to arrival, same clock; pull techniques include their wait between requests',
    'refresh: no cursor, so no loss count; each page must parse and its newest row never go back',
    "requests: a pulling client's requests for the feed (chats apart); pull techniques ask anew by design, so they have no reconnects",
    `server exit: ${exitCode}`
  ].join('\n')
)

for (const s of stats.values()) {
  if (s.errors > 0) failed.push(`${s.name}: ${s.errors} errors, e.g.\n      ${s.samples.join('\n      ')}`)
  if (s.lost > 0) failed.push(`${s.name}: ${s.lost} events lost`)
  if (s.duplicated > 0) failed.push(`${s.name}: ${s.duplicated} events duplicated`)
  if (s.events === 0) failed.push(`${s.name}: no events received at all`)
  if (keepsOpen(s) && !(cutRate(s) <= maxCutsPerClientPer10Min))
    failed.push(
      `${s.name}: ${s.connections.cuts} connections cut (${cutRate(s).toFixed(2)} per client per 10 min, limit ${maxCutsPerClientPer10Min})`
    )
}
const stuck = resuming.filter((client) => !client.caughtUp(latest)).map((client) => client.id)
if (stuck.length > 0) {
  const more = stuck.length > 10 ? ` and ${stuck.length - 10} more` : ''
  failed.push(`not caught up 10 s after the pause: ${stuck.slice(0, 10).join(', ')}${more}`)
}
if (!(drift < maxDriftPercent)) failed.push(`server RSS drift ${drift.toFixed(1)} % is not under ${maxDriftPercent} %`)
if (exitCode !== 0) failed.push(`server exit after SIGTERM: ${exitCode}`)
if (server.problems.length > 0)
  failed.push(
    `server logged ${server.problems.length} warnings or errors, e.g.\n      ${server.problems.slice(0, 5).join('\n      ')}`
  )

if (failed.length === 0) console.log('\nsoak: PASS')
else console.log(`\nsoak: FAIL\n${failed.map((f) => `  - ${f}`).join('\n')}`)
process.exit(failed.length === 0 ? 0 : 1)
