// The server processes the bench measures (`bench/protocol.ts` speaks to them): one per server name, or for the
// Redis rows a set of instance processes and the Redis they share, asked for their figures as one server.
import { type ChildProcess, spawn } from 'node:child_process'
import { get, type IncomingMessage } from 'node:http'
import { get as getOverTls } from 'node:https'
import { fileURLToPath } from 'node:url'
import { type RedisProcess, startRedisProcess } from '../cluster/redis-process.ts'
import type { TechniqueName } from '../src/shared/techniques.ts'
import type { WireReport } from '../src/shared/wire-stats.ts'
import { isPeer, peers, redisInstances, type ServerName } from './plan.ts'
import { type CpuSample, cpuBetween, processCpu } from './process-cpu.ts'
import { ask, type ServerReply } from './protocol.ts'
import { bareServers } from './techniques.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One process that serves clients on a port of its own. */
export interface Instance {
  child: ChildProcess
  port: number
}

/** A server of the plan: the process the bench publishes through, and for the Redis rows its peers and Redis. */
export interface ServerProcess extends Instance {
  name: ServerName
  /** Serves TLS (HTTP/2 and HTTP/1.1 on one port). */
  tls: boolean
  /** The set's other instances (`wirewatch, 2 × redis`): they publish nothing, their clients get the feed through Redis. */
  peers: Instance[]
  /** The Redis the set's instances share; its CPU counts as the server's. */
  redis?: RedisProcess
}

async function startInstance(name: ServerName, file: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  // BENCH_PROFILE=<dir>: each server writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []
  const child = spawn(process.execPath, [...profile, '--expose-gc', '--import', 'tsx', file], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      WIRE_CAPTURE: name === 'wirewatch, capture off' ? '0' : (process.env.WIRE_CAPTURE ?? '1'),
      ...(name === 'wirewatch, every page in view' ? { WIRE_CAPTURE_BYTES: 'all' } : {}),
      BENCH_HTTP2: name === 'wirewatch, http2' ? '1' : '0',
      ...env
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc']
  })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').once('data', (line: string) => resolve(JSON.parse(line).port))
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before listening`)))
  })
  return { child, port }
}

/** The file of the server `name`: ours, a peer's, or a bare baseline. */
function fileOf(name: ServerName): string | undefined {
  if (name.startsWith('wirewatch')) return 'bench/servers/wirewatch.ts'
  return isPeer(name) ? peers[name].file : bareServers[name as TechniqueName]
}

/** Starts the server `name` on a free port (and a Redis of its own first, for the Redis rows). */
export async function startServer(name: ServerName): Promise<ServerProcess> {
  const file = fileOf(name)
  if (file === undefined) throw new Error(`${name} has no bare baseline (bareServers in bench/techniques.ts)`)
  const instances = redisInstances[name] ?? 0
  if (instances === 0)
    return { name, ...(await startInstance(name, file, {})), tls: name === 'wirewatch, http2', peers: [] }
  const redis = await startRedisProcess()
  // The first instance takes the ticker lease before it answers, so it is the one that publishes; the others
  // start after it and only follow the stream.
  const publisher = await startInstance(name, file, { REDIS_URL: redis.url, INSTANCE_NAME: 'a', BENCH_PUBLISHES: '1' })
  const peers: Instance[] = []
  for (let i = 1; i < instances; i++)
    peers.push(
      await startInstance(name, file, {
        REDIS_URL: redis.url,
        INSTANCE_NAME: String.fromCharCode(97 + i),
        BENCH_PUBLISHES: '0'
      })
    )
  return { name, ...publisher, tls: false, peers, redis }
}

/** Lets every instance exit by itself (and write its profile, if asked), then stops the Redis. */
export async function stopServer(server: ServerProcess): Promise<void> {
  const exits = [server, ...server.peers].map(
    ({ child }) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.disconnect()
      })
  )
  // The instances close their Redis connections as they exit; a stuck one does not keep Redis running.
  await Promise.race([Promise.all(exits), sleep(5_000)])
  await server.redis?.stop()
}

type Stats = Extract<ServerReply, { type: 'stats' }>

/** A server's figures: every instance's added up, the Redis's CPU in `cpu` too and apart in `redisCpu`. */
export interface ServerStats extends Stats {
  redisCpu?: CpuSample
}

/** Asks every instance of the server for its figures (`gc`: after a collection) and reads the Redis's CPU. */
export async function statsOf(server: ServerProcess, gc = false): Promise<ServerStats> {
  const [own, ...peers] = await Promise.all(
    [server, ...server.peers].map(({ child }) => ask<Stats>(child, { type: 'stats', gc }, 'stats'))
  )
  if (!own) throw new Error('no stats')
  const pid = server.redis?.pid
  const stats: ServerStats = { ...own, cpu: { ...own.cpu }, memory: { ...own.memory } }
  for (const peer of peers) {
    stats.cpu.user += peer.cpu.user
    stats.cpu.system += peer.cpu.system
    stats.memory.rss += peer.memory.rss
    stats.memory.heapUsed += peer.memory.heapUsed
    stats.connections += peer.connections
  }
  return pid === undefined ? stats : { ...stats, redisCpu: processCpu(pid) }
}

/** Server CPU (every instance, and the Redis) between two `statsOf` readings, µs. */
export function cpuOver(start: ServerStats, end: ServerStats): NodeJS.CpuUsage & { redis?: NodeJS.CpuUsage } {
  const redis = start.redisCpu && end.redisCpu ? cpuBetween(start.redisCpu, end.redisCpu) : undefined
  return {
    user: end.cpu.user - start.cpu.user + (redis?.user ?? 0),
    system: end.cpu.system - start.cpu.system + (redis?.system ?? 0),
    ...(redis ? { redis } : {})
  }
}

/** `GET /wire` on a connection of its own that closes after (a kept-alive one would count as a client). */
export function wireReport(server: ServerProcess): Promise<WireReport | undefined> {
  if (!server.name.startsWith('wirewatch')) return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const read = (response: IncomingMessage) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () =>
        response.statusCode === 200
          ? resolve(JSON.parse(body) as WireReport)
          : reject(new Error(`GET /wire answered ${response.statusCode}: ${body.slice(0, 200)}`))
      )
    }
    const options = { agent: false, headers: { connection: 'close' } } as const
    // Over TLS an HTTP/1.1 request too: its handshake lands in the `connection` row (see bench/RESULTS.md).
    const request = server.tls
      ? getOverTls(`https://127.0.0.1:${server.port}/wire`, { ...options, rejectUnauthorized: false }, read)
      : get(`http://127.0.0.1:${server.port}/wire`, options, read)
    request.on('error', reject)
  })
}

/** Waits until the server holds no more connections than `count` (the last row's clients are gone). */
export async function settle(server: ServerProcess, count: number): Promise<void> {
  for (let i = 0; i < 100 && (await statsOf(server)).connections > count; i++) await sleep(100)
}
