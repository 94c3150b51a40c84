import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { freePort } from './free-port.ts'

/** Debian's redis-server (scripts/prepare-test.sh installs it), or REDIS_SERVER_PATH. */
export const redisServerPath = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

/** Why the Redis tests cannot run here, or false when they can. */
export const redisSkipReason: string | false = existsSync(redisServerPath)
  ? false
  : `redis-server is not installed at ${redisServerPath} (scripts/prepare-test.sh installs Debian's redis-server when run as root)`

/** A redis-server of a test's own, on a port of its own, with nothing persisted. */
export interface RedisServer {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /** Stops it (SIGKILL when `crash`, a crash with nothing saved; SIGTERM otherwise) and waits for its exit. */
  stop(options?: { crash?: boolean }): Promise<void>
  /** Starts it again on the same port, empty (nothing is persisted), once stopped. */
  restart(): Promise<void>
  /** What it printed, for a failing test's message. */
  readonly output: string
}

/** Resolves true once something on the port answers PING with PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    socket.setTimeout(500, () => socket.destroy())
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.setEncoding('utf8').on('data', (text: string) => {
      reply += text
      if (reply.includes('\r\n')) {
        socket.destroy()
        resolve(reply.startsWith('+PONG'))
      }
    })
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
  })
}

/**
 * Starts `redis-server` in the foreground on a free port (or `port`), with no RDB or AOF and a
 * temp working dir, waits until it answers PING and stops it by its own pid when the test ends.
 * `args` adds settings, e.g. `['--stream-node-max-entries', '10']`.
 */
export async function startRedis(t: TestContext, { args = [] as string[], port = 0 } = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'wirewatch-redis-'))
  const chosenPort = port || (await freePort())
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let output = ''

  async function start(): Promise<void> {
    const argv = [
      ...['--port', String(chosenPort), '--bind', '127.0.0.1', '--dir', dir],
      ...['--save', '', '--appendonly', 'no', '--daemonize', 'no', '--logfile', ''],
      ...args
    ]
    const started = spawn(redisServerPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = started
    started.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
    started.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()))
    const deadline = Date.now() + 10_000
    while (!(await answersPing(chosenPort))) {
      if (started.exitCode !== null || Date.now() > deadline)
        throw new Error(`redis-server did not answer PING on port ${chosenPort}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async function stop({ crash = false } = {}): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, crash ? 'SIGKILL' : 'SIGTERM')
    await exited
  }

  t.after(async () => {
    await stop()
    await rm(dir, { recursive: true, force: true })
  })
  await start()
  return {
    port: chosenPort,
    url: `redis://127.0.0.1:${chosenPort}`,
    stop,
    restart: start,
    get output() {
      return output
    }
  }
}
