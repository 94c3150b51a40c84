import type { TestContext } from 'node:test'
import { type NginxProcess, nginxInstalled, nginxPath, startNginxProcess } from '../../cluster/nginx-process.ts'

export { freePort } from '../free-port.ts'
export { nginxInstalled, nginxPath }

/** nginx in front of a test's server (cluster/nginx-process.ts). */
export type Nginx = Pick<NginxProcess, 'port' | 'origin' | 'child'>

/**
 * Runs nginx in the foreground with `http` (the inside of an `http { }` block) in a temp dir of
 * its own, and stops it by its own pid when the test ends.
 */
export async function startNginx(t: TestContext, port: number, http: string): Promise<Nginx> {
  const nginx = await startNginxProcess({ port, http })
  t.after(() => nginx.stop())
  return nginx
}
