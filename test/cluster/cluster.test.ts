import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { after, before, describe, test } from 'node:test'
import WebSocket from 'ws'
import { type Cluster, nginxConfigFile, startCluster } from '../../cluster/cluster.ts'
import { freePort, portIsFree } from '../../cluster/free-port.ts'
import { repoDir } from '../../cluster/instance-process.ts'
import { nginxInstalled, nginxPath } from '../../cluster/nginx-process.ts'
import { redisInstalled, redisServerPath } from '../../cluster/redis-process.ts'
import { eventually } from '../helper.ts'

const sectionTitle = 'Several instances, one feed (Redis)'

/** The ```nginx block of the README's section on the cluster: what the test runs. */
async function readmeBlock(): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split(`\n## ${sectionTitle}\n`)[1]?.split('\n## ')[0] ?? ''
  const block = /```nginx\n([\s\S]*?)```/.exec(section)?.[1]
  if (!block) throw new Error(`README.md has no \`\`\`nginx block in its "${sectionTitle}" section`)
  return block
}

/** Whether a process with this id still runs (a zombie, exited but not yet reaped, runs nothing). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && !/^\d+ \(.*\) Z /.test(stat)
}

async function gone(pid: number): Promise<boolean> {
  return !(await alive(pid))
}

/** `n` sequential requests through the balancer: the instance that answered each, and its status. */
async function answers(cluster: Cluster, n: number): Promise<{ status: number; instance: string | null }[]> {
  const seen = []
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${cluster.url}feed/polling?client=cluster-test`)
    await response.arrayBuffer()
    seen.push({ status: response.status, instance: response.headers.get('wirewatch-instance') })
  }
  return seen
}

const skip = !nginxInstalled
  ? `nginx is not installed at ${nginxPath} (apt-get install nginx)`
  : !redisInstalled
    ? `redis-server is not installed at ${redisServerPath} (apt-get install redis-server)`
    : false

if (skip && process.env.CI) {
  test('nginx and redis-server are installed (CI runs the cluster tests)', () => {
    assert.fail(`${skip}: scripts/prepare-test.sh installs both when run as root`)
  })
}

describe('a cluster: Redis, two instances and nginx round-robin in front (the README block)', { skip }, () => {
  let cluster: Cluster

  before(async () => {
    cluster = await startCluster({ feedRate: 0, nginxConfig: await readmeBlock() })
  })
  after(() => cluster?.stop())

  test("the README's block is cluster/nginx-cluster.conf, which npm run cluster runs", async () => {
    assert.equal(
      (await readmeBlock()).trimEnd(),
      (await readFile(nginxConfigFile, 'utf8')).trimEnd(),
      `copy cluster/nginx-cluster.conf into README.md's "${sectionTitle}" block`
    )
  })

  test('sequential requests through the balancer alternate between the two instances', async () => {
    const seen = await answers(cluster, 4)
    assert.deepEqual(
      seen.map(({ status }) => status),
      [200, 200, 200, 200]
    )
    assert.deepEqual(new Set(seen.map(({ instance }) => instance)), new Set(['a', 'b']))
    assert.notEqual(seen[0]?.instance, seen[1]?.instance, 'round-robin: the next request goes to the other one')
  })

  test('a WebSocket opens through the balancer, and its 101 names the instance', async (t) => {
    const ws = new WebSocket(`ws://127.0.0.1:${cluster.balancer.port}/feed/websocket`, {
      headers: { origin: cluster.balancer.origin }
    })
    t.after(() => ws.terminate())
    const response = await new Promise<{ status: number; instance: unknown }>((resolve, reject) => {
      ws.once('upgrade', (answer) =>
        resolve({ status: answer.statusCode ?? 0, instance: answer.headers['wirewatch-instance'] })
      )
      ws.once('error', reject)
    })
    await new Promise<void>((resolve) => (ws.readyState === WebSocket.OPEN ? resolve() : ws.once('open', resolve)))
    assert.equal(response.status, 101)
    assert.ok(response.instance === 'a' || response.instance === 'b', `instance header ${String(response.instance)}`)
  })

  test('an SSE stream through the balancer delivers its first bytes within a second (no buffering)', async (t) => {
    const controller = new AbortController()
    t.after(() => controller.abort())
    const started = performance.now()
    const response = await fetch(`${cluster.url}feed/sse`, { signal: controller.signal })
    const reader = response.body?.getReader()
    assert.ok(reader)
    const first = await reader.read()
    const ms = performance.now() - started
    t.diagnostic(`first bytes of /feed/sse through nginx after ${ms.toFixed(0)} ms`)
    assert.equal(response.status, 200)
    assert.match(new TextDecoder().decode(first.value), /^retry: \d+/)
    assert.ok(ms < 1000, `the stream's first bytes took ${ms.toFixed(0)} ms`)
  })

  test('with instance a killed (SIGKILL) the balancer answers from b: new requests, and a long poll held on a (nginx resends a GET cut before its answer)', async () => {
    const [a] = cluster.instances
    assert.ok(a)
    // Round-robin alternates, so after an answer from b the next request goes to a.
    for (let tries = 0; (await answers(cluster, 1))[0]?.instance !== 'b'; tries++) assert.ok(tries < 4)
    const held = fetch(`${cluster.url}feed/long-polling?client=cluster-test&after=0&timeout=1000`)
    await new Promise((resolve) => setTimeout(resolve, 300)) // for the request to be held on a
    await a.kill('SIGKILL')
    assert.equal(a.pid, undefined)
    const longPoll = await held
    await longPoll.arrayBuffer()
    assert.deepEqual(
      { status: longPoll.status, instance: longPoll.headers.get('wirewatch-instance') },
      { status: 204, instance: 'b' }
    )
    assert.deepEqual(await answers(cluster, 4), Array(4).fill({ status: 200, instance: 'b' }))
    await a.restart()
    assert.equal((await fetch(`${a.url}feed/ticker`)).status, 200, 'restart() brings it back on its port')
  })

  test('stop() leaves no child process running and frees every port', async () => {
    const pids = [cluster.redis.pid, cluster.balancer.pid, ...cluster.instances.map((instance) => instance.pid)]
    const ports = [cluster.redis.port, cluster.balancer.port, ...cluster.instances.map((instance) => instance.port)]
    assert.ok(
      pids.every((pid) => pid !== undefined),
      'every process has a pid'
    )
    await cluster.stop()
    for (const pid of pids) assert.ok(await gone(pid ?? 0), `process ${pid} still runs`)
    for (const port of ports) assert.ok(await portIsFree(port), `port ${port} is still taken`)
  })
})

describe('npm run cluster (cluster/main.ts)', { skip }, () => {
  test('prints the balancer first, and SIGTERM stops every process it started', async (t) => {
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()]
    const main = spawn(process.execPath, ['--import', 'tsx', 'cluster/main.ts'], {
      cwd: repoDir,
      env: {
        ...process.env,
        CLUSTER_PORT: String(ports[0]),
        CLUSTER_INSTANCE_PORTS: `${ports[1]},${ports[2]}`,
        CLUSTER_REDIS_PORT: String(ports[3]),
        FEED_RATE: '0'
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    const exited = new Promise<number | null>((resolve) => main.once('exit', (code) => resolve(code)))
    t.after(() => main.exitCode === null && main.kill('SIGKILL'))
    let output = ''
    main.stdout.setEncoding('utf8').on('data', (text: string) => (output += text))
    main.stderr.setEncoding('utf8').on('data', (text: string) => (output += text))
    await eventually(() => assert.match(output, /Ctrl\+C stops all of them/), { timeoutMs: 15_000, everyMs: 50 })

    const lines = output.split('\n')
    assert.match(lines[0] ?? '', /^wirewatch cluster is running\. Open/)
    assert.equal(lines[1]?.trim(), `http://127.0.0.1:${ports[0]}/`)
    const pids = [...output.matchAll(/\(pid (\d+)\)/g)].map((match) => Number(match[1]))
    assert.equal(pids.length, 4, output)
    for (const pid of pids) assert.ok(await alive(pid), `process ${pid} runs`)

    main.kill('SIGTERM')
    assert.equal(await exited, 0, output)
    for (const pid of pids) assert.ok(await gone(pid), `process ${pid} still runs after SIGTERM`)
  })
})
