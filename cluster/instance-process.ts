import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository's top directory: where `src/server/main.ts` and `public/` are. */
export const repoDir = fileURLToPath(new URL('..', import.meta.url))

/** One wirewatch server process (`node --import tsx src/server/main.ts`). */
export interface InstanceProcess {
  name: string
  port: number
  /** `http://127.0.0.1:<port>/`: the instance itself, past the balancer. */
  url: string
  /** Its process id while it runs (undefined once it has exited). */
  readonly pid: number | undefined
  /** Sends `signal` (SIGTERM by default: a graceful close; SIGKILL: a crash) and waits for its exit. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port, once it has exited. */
  restart(): Promise<void>
  /** What it printed, for an error message. */
  readonly output: string
}

export interface InstanceOptions {
  name: string
  port: number
  /** Settings for src/server/config.ts: REDIS_URL, PUBLIC_URL, PRESENTER_TOKEN, FEED_RATE… */
  env: Record<string, string>
  /** Told when it exits without `kill()` having been asked. */
  onUnexpectedExit?: (how: { code: number | null; signal: NodeJS.Signals | null }) => void
}

/** How long a graceful close may take before the process is killed outright. */
const closeGraceMs = 5_000

/**
 * Starts an instance on 127.0.0.1:`port` (only the balancer is meant to be opened) and resolves once
 * it prints that it is running. It runs in a process group of its own, so a Ctrl+C in the terminal
 * reaches only whoever started it, which stops it in its own order.
 */
export async function startInstance({ name, port, env, onUnexpectedExit }: InstanceOptions): Promise<InstanceProcess> {
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  let killing = false
  let output = ''
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null

  async function start(): Promise<void> {
    killing = false
    const started = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: repoDir,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', INSTANCE_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    child = started
    let ready: () => void = () => {}
    const printedRunning = new Promise<void>((resolve) => (ready = resolve))
    started.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text
      if (output.includes('wirewatch is running')) ready()
    })
    started.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
    exited = new Promise<void>((resolve) =>
      started.once('exit', (code, signal) => {
        if (!killing) onUnexpectedExit?.({ code, signal })
        resolve()
      })
    )
    let timer: NodeJS.Timeout | undefined
    const outcome = await Promise.race([
      printedRunning.then(() => 'running' as const),
      exited.then(() => 'exited' as const),
      new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 20_000)))
    ])
    clearTimeout(timer)
    if (outcome !== 'running') {
      await kill('SIGKILL')
      throw new Error(`instance ${name} did not start on port ${port} (${outcome}):\n${output}`)
    }
  }

  async function kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    killing = true
    if (!running() || child?.pid === undefined) return exited
    const pid = child.pid
    process.kill(pid, signal)
    // A close waiting on a connection that never ends must not hold the whole cluster's stop.
    const force = setTimeout(() => running() && process.kill(pid, 'SIGKILL'), closeGraceMs)
    await exited
    clearTimeout(force)
  }

  await start()
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}/`,
    get pid() {
      return running() ? child?.pid : undefined
    },
    kill,
    restart: start,
    get output() {
      return output
    }
  }
}
