import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { accepts } from './free-port.ts'

/** Debian's nginx (`apt-get install nginx`), or NGINX_PATH. */
export const nginxPath = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

/** Whether nginx can be run here. */
export const nginxInstalled = existsSync(nginxPath)

/** An nginx of its own, in the foreground, with its config, pid file, logs and temp paths in a temp dir. */
export interface NginxProcess {
  port: number
  /** `http://127.0.0.1:<port>`: the Origin of a page loaded through this proxy. */
  origin: string
  child: ChildProcess
  /** Its master's process id while it runs (undefined once stopped). */
  readonly pid: number | undefined
  /** nginx's fast shutdown (SIGTERM: the master stops its worker), then waits for its exit and removes its dir. */
  stop(): Promise<void>
}

export interface NginxOptions {
  /** Where the config's `listen` is, to wait for (it connects to 127.0.0.1 there). */
  port: number
  /** The inside of an `http { }` block. */
  http: string
  /** Told when it exits without `stop()` having been asked. */
  onUnexpectedExit?: (how: { code: number | null; signal: NodeJS.Signals | null }) => void
}

/**
 * Runs nginx in the foreground with `http` in a temp dir of its own: its pid file, logs and every
 * temp path there, so it needs no system directory and never touches port 80 or the system
 * service. One worker: a demo's few hundred connections need no more, and with one worker
 * round-robin is one sequence (each worker keeps its own turn), so requests visibly alternate.
 * It runs in a process group of its own, so a Ctrl+C in the terminal reaches only whoever started it.
 */
export async function startNginxProcess({ port, http, onUnexpectedExit }: NginxOptions): Promise<NginxProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'wirewatch-nginx-'))
  // Run as root, nginx's workers drop to `nobody`, which must be able to reach the temp paths.
  await chmod(dir, 0o755)
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
  const config = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...temps.map((name) => `  ${name}_temp_path ${dir}/${name}_temp;`),
    http,
    '}'
  ].join('\n')
  const file = join(dir, 'nginx.conf')
  await writeFile(file, config)
  // -e: the error log before the config is read, which is /var/log/nginx/error.log otherwise.
  const child = spawn(nginxPath, ['-c', file, '-p', dir, '-e', `${dir}/error.log`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  let output = ''
  let stopping = false
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) onUnexpectedExit?.({ code, signal })
      resolve()
    })
  )
  const running = () => child.exitCode === null && child.signalCode === null
  async function stop(): Promise<void> {
    stopping = true
    // SIGTERM to its own pid: nginx's fast shutdown; never a broad kill by name.
    if (running() && child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 5_000
  while (!(await accepts(port))) {
    if (!running() || Date.now() > deadline) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
      await stop()
      throw new Error(`nginx did not start on port ${port}:\n${output}${log}\n--- config ---\n${config}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    child,
    get pid() {
      return running() ? child.pid : undefined
    },
    stop
  }
}
