// The rows `npm run bench` measures: every benched technique (bench/techniques.ts) at a few numbers of
// clients, on our server, on its bare baseline and on the libraries people would pick instead, then the
// variants that price one part of our server.
import type { Technique, TechniqueName } from '../src/shared/techniques.ts'
import type { BenchRow, LoadProtocol } from './protocol.ts'
import { benchedTechniques, techniquesOverHttp2 } from './techniques.ts'

/** A library people would pick instead of ours, benched beside bare on the techniques it serves. */
export interface Peer {
  /** Its server process: the library on a plain `node:http` server, publishing the bare baselines' feed. */
  file: string
  techniques: readonly TechniqueName[]
  /** Its clients speak Engine.IO (Socket.IO's own wire) over the transport beside each technique, not the technique's wire. */
  engineIo: boolean
}

export const peers = {
  'socket.io': { file: 'bench/peers/socket-io.ts', techniques: ['websocket', 'long-polling'], engineIo: true },
  'better-sse': { file: 'bench/peers/better-sse.ts', techniques: ['sse'], engineIo: false }
} as const satisfies Record<string, Peer>

export type PeerName = keyof typeof peers

export function isPeer(name: string): name is PeerName {
  return Object.hasOwn(peers, name)
}

/**
 * A server process to measure: ours (byte capture on, or off; or `--http2`: HTTP/2 and HTTP/1.1 over TLS on
 * one port; or one or two instances sharing the feed through a Redis of their own), the bare baseline of a
 * technique, or a peer library.
 */
export type ServerName =
  | 'wirewatch'
  | 'wirewatch, capture off'
  | 'wirewatch, every page in view'
  | 'wirewatch, http2'
  | 'wirewatch, redis'
  | 'wirewatch, 2 × redis'
  | TechniqueName
  | PeerName

/** What a row's `server` says of the process that served it (and what `--server` picks). */
export function rowServerOf(name: ServerName): BenchRow['server'] {
  if (name.startsWith('wirewatch')) return 'wirewatch'
  return isPeer(name) ? name : 'bare'
}

/** The variants of the capture rows: what our server captures of the load clients' traffic. */
export const captureVariants = {
  'wirewatch, capture off': 'capture off',
  wirewatch: 'capture, no page in view',
  'wirewatch, every page in view': 'capture, every page in view'
} as const satisfies Partial<Record<ServerName, string>>

/** The servers that share their feed through Redis (issue 23), and how many instance processes each runs. */
export const redisInstances: Partial<Record<ServerName, number>> = { 'wirewatch, redis': 1, 'wirewatch, 2 × redis': 2 }

/** The variant of the backplane rows: where the feed goes between publishing and the clients. */
export const backplaneVariants = {
  wirewatch: 'in memory',
  'wirewatch, redis': 'Redis, 1 instance',
  'wirewatch, 2 × redis': 'Redis, 2 instances'
} as const satisfies Partial<Record<ServerName, string>>

/** One row to measure. */
export interface Case {
  technique: TechniqueName
  server: ServerName
  clients: number
  /** Techniques asked on a timer: ms between a client's polls; 0 = as fast as answers come (the requests/s row). */
  pollMs?: number
  variant?: string
  /** Events published per second (default `publishRate`); 0: an idle feed. */
  rate?: number
  /** Pages that also hold their stats channel `/wire/live` open (the same client ids). */
  livePages?: number
  /** Distinct page ids (`?client=`) that each make one request before the clients connect. */
  pagesBefore?: number
  /** `--only <name>` picks this row by this name as well as by its technique. */
  group?: string
  /** How the clients speak (default HTTP/1.1 on plain TCP). */
  protocol?: LoadProtocol
  /** Left out of the quick set unless `--only` names its group (its server needs more than Node: redis-server). */
  onlyWhenAsked?: boolean
}

/**
 * Each row's measured window, s: long enough that p99 repeats within ±20 % between two runs on a quiet machine.
 * Measured 2026-12-07 on this 2-core machine, websocket at 1,000 clients, two runs each:
 *   quiet (load average under 1), 10 s windows: p99 ours 23, 23 ms; bare 19, 20; Socket.IO 19, 21 (CPU µs per
 *   delivery 12.9, 12.9; 10.8, 10.6; 13.6, 14.0): within ±20 %.
 *   loaded (other benches running, load average 2 to 10), 4, 10 and 20 s: ours 26, 25, 36, 52 ms at 4 s; 55, 570 at
 *   10 s; 135, 83, 59, 32 at 20 s: no length repeats there, and longer windows did not spread less (4 s at 1,000
 *   clients already holds 80,000 deliveries: the spread is the machine's other load, not too few samples).
 * So the full set takes 10 s a row and must run on a quiet machine; the quick set, 4 s, is for a look.
 */
export const windowSeconds = { quick: 4, full: 10 } as const

/** The window's "how measured" line for RESULTS.md. */
export const windowAbout = `each row's window is ${windowSeconds.full} s in the full set, ${windowSeconds.quick} s in the quick one, after 1 s of events unmeasured (on our server, 6 s after the clients connected: a connection serving no page in view is captured for its first 5 s, then only counted). On a quiet machine 10 s repeats p99 within ±20 %: websocket at 1,000 clients, two runs, p99 ours 23 and 23 ms, bare 19 and 20, Socket.IO 19 and 21 (2026-12-07). On a loaded one no length does (ours at 20 s: 135, 83, 59, 32 ms), so read p99 from a run on a quiet machine, and compare rows of one run.`

/** Events published per second unless a row says otherwise: the rate issue 6's targets are set at. */
export const publishRate = 20

/** The requests/s rows: 50 keep-alive clients asking again the moment each answer arrives. */
export const requestsVariant = 'max req/s'
/** The same after 10,000 distinct pages have each made a request (what the server keeps per page must not slow it). */
export const manyPages = 10_000
export const manyPagesVariant = `max req/s after ${manyPages.toLocaleString('en')} page ids`
/**
 * Pairs of those two rows, one after the other, each on a fresh server. One pair cannot judge 5 %: on this machine
 * two such rows differed by up to 28 % either way (thirteen pairs, ratios 0.72–1.21, median 0.97; 2026-12-07), so
 * the target is judged on the pairs' median.
 */
export const manyPagesPairs = { quick: 1, full: 5 } as const
/** The variant of `variant`'s row in pair `pair` (the first pair's rows keep their plain names). */
export const pairVariant = (variant: string, pair: number) => (pair === 1 ? variant : `${variant}, pair ${pair}`)

/**
 * Rows that measure how much the server can do rather than what a load costs it: they run on a server process of
 * their own, started for the row, so the rows before (their connections, garbage, page ids) do not weigh on it.
 */
export const isThroughputRow = (test: Case) => test.pollMs === 0

/** The variant of the live channel's rows (see `plan` below): with and without the pages, the feed idle. */
export function livePagesVariant(livePages: number): string {
  return `${livePages > 0 ? `${livePages.toLocaleString('en')} /wire/live pages` : 'no /wire/live pages'}, idle feed`
}

/** The techniques with fan-out targets, at 1,000, 5,000 and 10,000 clients. */
export const fanOutTargets: readonly TechniqueName[] = ['websocket', 'sse']

/** The variant of the HTTP/2 rows: what the clients spoke to the `--http2` server. */
export const protocolVariants = {
  http1: 'HTTP/1.1, no TLS',
  'http1-tls': 'HTTP/1.1 over TLS',
  http2: 'HTTP/2'
} as const

/** The numbers of clients a technique is measured at. */
function clientCounts(technique: Technique, full: boolean): number[] {
  if (!full) return [100, 1_000]
  // A held request costs each client a request an event: at 1,000 clients our server already publishes well
  // under the 20 events/s asked (bench/RESULTS.md), so 2,000 is as far as it is worth going.
  if (technique.asking === 'again at once') return [100, 1_000, 2_000]
  // 10,000 clients only for the techniques with fan-out targets (bench/targets.ts).
  if (fanOutTargets.includes(technique.name)) return [100, 1_000, 5_000, 10_000]
  return [100, 1_000, 5_000]
}

/** Every row: each benched technique on our server, on its baseline and on the peers serving it, then the variants. */
export function plan(full: boolean): Case[] {
  const cases: Case[] = []
  for (const technique of benchedTechniques) {
    // Asked on a timer: a poll a second, the page's default interval.
    const polls = technique.asking === 'on a timer' ? { pollMs: 1_000 } : {}
    const servingPeers = Object.entries(peers)
      .filter(([, peer]) => (peer.techniques as readonly TechniqueName[]).includes(technique.name))
      .map(([name]) => name as PeerName)
    for (const clients of clientCounts(technique, full))
      for (const server of ['wirewatch', technique.name, ...servingPeers] as const)
        cases.push({ technique: technique.name, server, clients, ...polls })
  }
  // Requests per second: 50 keep-alive clients asking again the moment each answer arrives; then ours again after
  // 10,000 distinct pages have each asked once, and in the full set more pairs of those two.
  for (const technique of benchedTechniques.filter(({ asking }) => asking === 'on a timer')) {
    const asking = { technique: technique.name, clients: 50, pollMs: 0 }
    for (let pair = 1; pair <= manyPagesPairs[full ? 'full' : 'quick']; pair++) {
      cases.push({ ...asking, server: 'wirewatch', variant: pairVariant(requestsVariant, pair) })
      if (pair === 1) cases.push({ ...asking, server: technique.name, variant: requestsVariant })
      cases.push({
        ...asking,
        server: 'wirewatch',
        variant: pairVariant(manyPagesVariant, pair),
        pagesBefore: manyPages
      })
    }
  }
  // What the byte capture costs: the same load with it off, as the server runs (load clients are no pages: their
  // sockets are captured for a grace of 5 s, then counted only), and in the worst case, every client taken for a
  // page with its wire view open (every frame decoded and kept, every request read as bytes).
  const captureClients = full ? 5_000 : 1_000
  for (const server of ['wirewatch, capture off', 'wirewatch', 'wirewatch, every page in view'] as const)
    cases.push({ technique: 'websocket', server, clients: captureClients, variant: captureVariants[server] })
  // What the pages' own stats channel costs: the same 1,000 WebSocket feed clients, without and then
  // with 1,000 pages holding /wire/live open (reports, capture items, publications every 500 ms), the feed idle
  // (issue 24's target is the server's CPU at an idle feed: what the pages cost when nothing else happens).
  for (const livePages of [0, 1_000])
    cases.push({
      technique: 'websocket',
      server: 'wirewatch',
      clients: 1_000,
      rate: 0,
      variant: livePagesVariant(livePages),
      livePages,
      group: 'wire-live'
    })
  // HTTP/2 against HTTP/1.1, both over TLS to the same `--http2` server (it serves both on one port, and
  // counts both rows' bytes the same way: what HTTP put inside TLS, TLS's own bytes in the `connection` row);
  // first the same clients on plain TCP to the plain server, so the run also prices TLS itself. The quick set
  // at 100 clients: at 1,000 its nine rows took 90 s (2026-12-06), and long polling and SSE over TLS no longer
  // kept 20 events/s there on two cores, so only 100 compares the protocols at the same publish rate.
  for (const technique of techniquesOverHttp2) {
    const polls = technique.asking === 'on a timer' ? { pollMs: 1_000 } : {}
    for (const clients of full ? [100, 1_000] : [100])
      for (const protocol of ['http1', 'http1-tls', 'http2'] as const)
        cases.push({
          technique: technique.name,
          server: protocol === 'http1' ? 'wirewatch' : 'wirewatch, http2',
          clients,
          ...polls,
          variant: protocolVariants[protocol],
          protocol,
          group: 'http2'
        })
  }
  // What sharing the feed through Redis costs (issue 23): the same WebSocket clients on one instance in memory,
  // one instance on Redis, and two instances on one Redis with the clients split between them (no balancer),
  // all in one run. Not in the quick set: it needs redis-server, and its six rows take ~67 s with 4 s windows
  // (2026-12-06, bench/RESULTS.md), twice the ~30 s the quick set may grow by; `--only redis` runs them at 1,000
  // and 5,000 clients, `--full` too.
  for (const clients of [1_000, 5_000])
    for (const server of ['wirewatch', 'wirewatch, redis', 'wirewatch, 2 × redis'] as const)
      cases.push({
        technique: 'websocket',
        server,
        clients,
        variant: backplaneVariants[server],
        group: 'redis',
        ...(full ? {} : { onlyWhenAsked: true })
      })
  return cases
}
