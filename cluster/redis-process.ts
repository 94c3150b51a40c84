import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

/** Debian's redis-server (`apt-get install redis-server`), or REDIS_SERVER_PATH. */
export const redisServerPath = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server'

/** Whether redis-server can be run here. */
export const redisInstalled = existsSync(redisServerPath)

/** A redis-server of its own, on a port of its own, with nothing persisted. */
export interface RedisProcess {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  /** Its process id while it runs (undefined once stopped). */
  readonly pid: number | undefined
  /** Stops it (SIGKILL when `crash`, a crash with nothing saved; SIGTERM otherwise) and waits for its exit. */
  stop(options?: { crash?: boolean }): Promise<void>
  /** Starts it again on the same port, empty (nothing is persisted), once stopped. */
  restart(): Promise<void>
  /** Once stopped for good: removes its append-only file (see `appendOnly`). */
  removeData(): Promise<void>
  /** What it printed, for an error message. */
  readonly output: string
}

export interface RedisOptions {
  /** 0 (the default): a free port. */
  port?: number
  /** More settings, e.g. `['--stream-node-max-entries', '10']`. */
  args?: string[]
  /**
   * Keep the data across `stop()` and `restart()` in an append-only file written before each reply
   * (`appendfsync always`), as a Redis that must not lose the feed is run; removed at the last stop.
   */
  appendOnly?: boolean
  /** Told when it exits without `stop()` having been asked (a crash, or someone else's signal). */
  onUnexpectedExit?: (how: { code: number | null; signal: NodeJS.Signals | null }) => void
}

/**
 * Resolves true once the redis-server with process id `pid` answers on the port. Not any Redis: a port
 * picked free can be taken by another one in between (another test run's), whose keys are not ours.
 */
function answersAs(port: number, pid: number | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    socket.setTimeout(500, () => socket.destroy())
    socket.once('connect', () => socket.write('INFO server\r\n'))
    socket.setEncoding('utf8').on('data', (text: string) => {
      reply += text
      const found = /process_id:(\d+)/.exec(reply)
      if (found || reply.startsWith('-')) {
        socket.destroy()
        resolve(found?.[1] === String(pid))
      }
    })
    socket.once('error', () => resolve(false))
    socket.once('close', () => resolve(false))
  })
}

/**
 * Starts `redis-server` in the foreground on 127.0.0.1, with no RDB or AOF and a temp working dir
 * (removed when it exits), and waits until it answers PING. It runs in a process group of its own,
 * so a Ctrl+C in the terminal reaches only whoever started it, which stops it in its own order.
 */
export async function startRedisProcess({
  port = 0,
  args = [],
  appendOnly = false,
  onUnexpectedExit
}: RedisOptions = {}): Promise<RedisProcess> {
  const chosenPort = port || (await freePort())
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let stopping = false
  let output = ''

  // With the append-only file, one dir for every start: a restart reads what the last one wrote.
  const keptDir = appendOnly ? await mkdtemp(join(tmpdir(), 'wirewatch-redis-')) : undefined
  const persistence = appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']

  async function start(): Promise<void> {
    const dir = keptDir ?? (await mkdtemp(join(tmpdir(), 'wirewatch-redis-')))
    const argv = [
      ...['--port', String(chosenPort), '--bind', '127.0.0.1', '--dir', dir],
      ...['--save', '', ...persistence, '--daemonize', 'no', '--logfile', ''],
      ...args
    ]
    stopping = false
    const started = spawn(redisServerPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    child = started
    started.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
    started.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
    exited = new Promise<void>((resolve) =>
      started.once('exit', (code, signal) => {
        if (!stopping) onUnexpectedExit?.({ code, signal })
        if (keptDir) resolve()
        else rm(dir, { recursive: true, force: true }).finally(resolve)
      })
    )
    const deadline = Date.now() + 10_000
    while (!(await answersAs(chosenPort, started.pid))) {
      if (started.exitCode !== null || started.signalCode !== null || Date.now() > deadline) {
        await stop({ crash: true })
        throw new Error(`redis-server did not answer on port ${chosenPort} (is another process on it?):\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async function stop({ crash = false } = {}): Promise<void> {
    stopping = true
    if (child && child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, crash ? 'SIGKILL' : 'SIGTERM')
    await exited
  }

  await start()
  return {
    port: chosenPort,
    url: `redis://127.0.0.1:${chosenPort}`,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined
    },
    stop,
    restart: start,
    removeData: async () => {
      if (keptDir) await rm(keptDir, { recursive: true, force: true })
    },
    get output() {
      return output
    }
  }
}
