import { type Cluster, configPorts, startCluster } from './cluster.ts'
import { portIsFree } from './free-port.ts'
import { nginxInstalled, nginxPath } from './nginx-process.ts'
import { redisInstalled, redisServerPath } from './redis-process.ts'

// `npm run cluster`: Redis, two instances and nginx round-robin in front, for a class demo.
// The npm script builds the client first; this file only starts and stops the processes.

/** A port from the environment, or the default; 0 picks a free one. */
function portFrom(name: string, fallback: number, raw = process.env[name]?.trim()): number {
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) > 65_535) throw new Error(`${name} must be a port (0 to 65535), got "${raw}"`)
  return Number(raw)
}

function settings() {
  const instances = (process.env.CLUSTER_INSTANCE_PORTS?.trim() || configPorts.instances.join(',')).split(',')
  if (instances.length !== 2) throw new Error('CLUSTER_INSTANCE_PORTS must be two ports, like 3001,3002')
  const feedRate = process.env.FEED_RATE?.trim()
  return {
    port: portFrom('CLUSTER_PORT', configPorts.balancer),
    host: process.env.CLUSTER_HOST?.trim() || '127.0.0.1',
    instancePorts: [
      portFrom('CLUSTER_INSTANCE_PORTS', 0, instances[0]?.trim()),
      portFrom('CLUSTER_INSTANCE_PORTS', 0, instances[1]?.trim())
    ] as const,
    redisPort: portFrom('CLUSTER_REDIS_PORT', 6390),
    ...(feedRate ? { feedRate: Number(feedRate) } : {}),
    ...(process.env.PRESENTER_TOKEN?.trim() ? { presenterToken: process.env.PRESENTER_TOKEN.trim() } : {})
  }
}

/** Why it cannot start here (a missing program, a port in use), or undefined. */
async function obstacle(options: ReturnType<typeof settings>): Promise<string | undefined> {
  if (!redisInstalled) return `redis-server is not installed at ${redisServerPath}: apt-get install redis-server`
  if (!nginxInstalled) return `nginx is not installed at ${nginxPath}: apt-get install nginx`
  const wanted = [
    ['CLUSTER_PORT', options.port, options.host],
    ['CLUSTER_INSTANCE_PORTS', options.instancePorts[0], '127.0.0.1'],
    ['CLUSTER_INSTANCE_PORTS', options.instancePorts[1], '127.0.0.1'],
    ['CLUSTER_REDIS_PORT', options.redisPort, '127.0.0.1']
  ] as const
  for (const [name, port, host] of wanted) {
    if (port !== 0 && !(await portIsFree(port, host)))
      return `port ${port} is in use: choose another with ${name}=… (0 picks a free one)`
  }
  return undefined
}

function addresses(cluster: Cluster): string {
  const pid = (value: number | undefined) => `(pid ${value ?? '?'})`
  return [
    'wirewatch cluster is running. Open (the balancer: nginx, round-robin over both instances):',
    `  ${cluster.url}`,
    `Presenter (keep this one to yourself, it carries the token): ${cluster.presenterUrl}`,
    'Behind the balancer, each on its own:',
    ...cluster.instances.map((instance) => `  instance ${instance.name}  ${instance.url}  ${pid(instance.pid)}`),
    `  redis       ${cluster.redisUrl}  ${pid(cluster.redis.pid)}`,
    `  nginx       ${cluster.balancer.origin}  ${pid(cluster.balancer.pid)}`,
    'Ctrl+C stops all of them.'
  ].join('\n')
}

let cluster: Cluster | undefined
let stopping = false

async function shutDown(code: number): Promise<never> {
  stopping = true
  console.log('Stopping the balancer, both instances and Redis…')
  await cluster?.stop()
  console.log('All stopped.')
  process.exit(code)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Before the cluster is up, the start finishes (or fails) first, then stops.
    if (!stopping && cluster) void shutDown(0)
    stopping = true
  })
}

try {
  const options = settings()
  const why = await obstacle(options)
  if (why) throw new Error(why)
  cluster = await startCluster({
    ...options,
    onUnexpectedExit(who, { code, signal }) {
      if (stopping) return
      const how = signal ? `killed by ${signal}` : `exit code ${code}`
      if (who === 'balancer') {
        console.error(`wirewatch cluster: the balancer (nginx) exited (${how}); nothing answers on ${cluster?.url}`)
        void shutDown(1)
      } else if (who === 'redis') {
        console.error(`wirewatch cluster: Redis exited (${how}); the instances cannot share the feed any more`)
      } else {
        console.error(`wirewatch cluster: ${who} exited (${how}); the balancer sends its requests to the other`)
      }
    }
  })
} catch (error) {
  console.error(`wirewatch cluster: ${(error as Error).message}`)
  process.exit(1)
}
if (stopping) await shutDown(0)
console.log(addresses(cluster))
