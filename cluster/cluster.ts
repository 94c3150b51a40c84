import { readFile } from 'node:fs/promises'
import { makePresenterToken } from '../src/server/classroom/presenter-token.ts'
import { firstLanAddress } from '../src/server/classroom/student-url.ts'
import { freePort } from './free-port.ts'
import { type InstanceProcess, startInstance } from './instance-process.ts'
import { type NginxProcess, startNginxProcess } from './nginx-process.ts'
import { type RedisProcess, startRedisProcess } from './redis-process.ts'

/** The balancer's config, the same text README.md shows (test/cluster/cluster.test.ts checks they match). */
export const nginxConfigFile = new URL('./nginx-cluster.conf', import.meta.url)

/** The ports the config file is written for, replaced by the cluster's own. */
export const configPorts = { balancer: 8080, instances: [3001, 3002] } as const

/** The two instances' names, in their `wirewatch-instance` header. */
export const instanceNames = ['a', 'b'] as const

export interface ClusterOptions {
  /** The balancer's port; 0 (the default) picks a free one. */
  port?: number
  /** Where the balancer listens: 127.0.0.1 (the default), or 0.0.0.0 so phones on the LAN reach it. */
  host?: string
  /** The two instances' ports (on 127.0.0.1); 0 picks a free one. */
  instancePorts?: readonly [number, number]
  /** Redis's port (on 127.0.0.1); 0 picks a free one. */
  redisPort?: number
  /** Events per second of each instance's ticker (FEED_RATE); 1 by default. */
  feedRate?: number
  /** The presenter token both instances accept; a random one when not given. */
  presenterToken?: string
  /** The nginx config (the inside of `http { }`) written for {@link configPorts}; cluster/nginx-cluster.conf by default. */
  nginxConfig?: string
  /** Told when a process exits that nobody asked to stop: `who` is `instance a`, `redis` or `balancer`. */
  onUnexpectedExit?: (who: string, how: { code: number | null; signal: NodeJS.Signals | null }) => void
}

/** Redis, two instances sharing the feed through it, and nginx balancing between them. */
export interface Cluster {
  /** The balancer's address, the one to open (and every instance's PUBLIC_URL). */
  url: string
  redisUrl: string
  presenterToken: string
  /** `<url>presenter#token=<token>` */
  presenterUrl: string
  instances: InstanceProcess[]
  redis: Pick<RedisProcess, 'port' | 'url' | 'pid' | 'stop' | 'restart'>
  balancer: Pick<NginxProcess, 'port' | 'origin' | 'pid'>
  /** Stops the balancer, then the instances (gracefully), then Redis, and waits for every exit. */
  stop(): Promise<void>
}

/**
 * The config written for {@link configPorts}, pointed at these ports: `listen 8080;` becomes
 * `listen <host>:<port>;` and 127.0.0.1:3001 / :3002 the instances'.
 */
export function clusterNginxConfig(template: string, host: string, port: number, instancePorts: readonly number[]) {
  const [first, second] = configPorts.instances
  const needs = [`listen ${configPorts.balancer};`, `127.0.0.1:${first}`, `127.0.0.1:${second}`]
  const missing = needs.filter((text) => !template.includes(text))
  if (missing.length > 0)
    throw new Error(`the cluster's nginx config must say ${missing.join(' and ')}, which the cluster replaces`)
  return template
    .replace(`listen ${configPorts.balancer};`, `listen ${host}:${port};`)
    .replace(/127\.0\.0\.1:(\d+)/g, (whole, written: string) => {
      const index = configPorts.instances.indexOf(Number(written) as 3001 | 3002)
      return index < 0 ? whole : `127.0.0.1:${instancePorts[index]}`
    })
}

/** The address people open: the LAN's when listening on every interface (a phone cannot open 127.0.0.1). */
function balancerUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `http://${firstLanAddress() ?? 'localhost'}:${port}/`
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}

/**
 * Starts Redis, then both instances (REDIS_URL, INSTANCE_NAME a and b, PUBLIC_URL the balancer's,
 * one presenter token), then nginx in front of them; if one fails to start, what started is stopped.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const host = options.host ?? '127.0.0.1'
  const port = options.port || (await freePort())
  const instancePorts = [
    options.instancePorts?.[0] || (await freePort()),
    options.instancePorts?.[1] || (await freePort())
  ] as const
  const presenterToken = options.presenterToken ?? makePresenterToken()
  const url = balancerUrl(host, port)
  const template = options.nginxConfig ?? (await readFile(nginxConfigFile, 'utf8'))
  const http = clusterNginxConfig(template, host, port, instancePorts)
  const told = (who: string) => (how: { code: number | null; signal: NodeJS.Signals | null }) =>
    options.onUnexpectedExit?.(who, how)

  const started: { stop(): Promise<void> }[] = []
  const stopAll = async () => {
    // Reverse order: the balancer stops taking requests before the instances go, Redis goes last.
    for (const group of [...started].reverse()) await group.stop()
  }
  try {
    // With its append-only file, as a Redis that holds a class's feed should run: a restart loses nothing.
    const redis = await startRedisProcess({
      port: options.redisPort ?? 0,
      appendOnly: true,
      onUnexpectedExit: told('redis')
    })
    started.push({ stop: () => redis.stop().then(() => redis.removeData()) })
    const env = {
      REDIS_URL: redis.url,
      PUBLIC_URL: url,
      PRESENTER_TOKEN: presenterToken,
      FEED_RATE: String(options.feedRate ?? 1)
    }
    const instances: InstanceProcess[] = []
    started.push({ stop: () => Promise.all(instances.map((instance) => instance.kill())).then(() => {}) })
    await Promise.all(
      instanceNames.map(async (name, i) => {
        const instance = await startInstance({
          name,
          port: instancePorts[i] ?? 0,
          env,
          onUnexpectedExit: told(`instance ${name}`)
        })
        instances.push(instance)
      })
    )
    instances.sort((one, other) => one.name.localeCompare(other.name))
    const balancer = await startNginxProcess({ port, http, onUnexpectedExit: told('balancer') })
    started.push(balancer)
    return {
      url,
      redisUrl: redis.url,
      presenterToken,
      presenterUrl: `${url}presenter#token=${presenterToken}`,
      instances,
      redis,
      balancer,
      stop: stopAll
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
