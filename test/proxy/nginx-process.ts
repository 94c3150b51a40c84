import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { delay } from '../helper.ts'

export { freePort } from '../free-port.ts'

/** Debian's nginx (scripts/prepare-test.sh installs it), or NGINX_PATH. */
export const nginxPath = process.env.NGINX_PATH ?? '/usr/sbin/nginx'

/** Whether nginx can be run here. */
export const nginxInstalled = existsSync(nginxPath)

export interface Nginx {
  port: number
  /** `http://127.0.0.1:<port>`: the Origin of a page loaded through this proxy. */
  origin: string
  child: ChildProcess
}

/** Resolves once something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Runs nginx in the foreground with `http` (the inside of an `http { }` block) in a temp
 * dir of its own: its pid file, logs and every temp path there, so it needs no system
 * directory, never touches port 80 or the system service, and is stopped by its own pid
 * when the test ends.
 */
export async function startNginx(t: TestContext, port: number, http: string): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'wirewatch-nginx-'))
  // Run as root, nginx's workers drop to `nobody`, which must be able to reach the temp paths.
  await chmod(dir, 0o755)
  const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
  const config = [
    'daemon off;',
    'worker_processes 1;',
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log warn;`,
    'events { worker_connections 256; }',
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
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  t.after(async () => {
    // SIGTERM: nginx's fast shutdown (its master stops its worker); never a broad kill by name.
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  })

  const deadline = Date.now() + 5_000
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '')
      throw new Error(`nginx did not start on port ${port}:\n${output}${log}\n--- config ---\n${config}`)
    }
    await delay(20)
  }
  return { port, origin: `http://127.0.0.1:${port}`, child }
}
