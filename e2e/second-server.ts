import { type ChildProcess, spawn } from 'node:child_process'
import { test } from './fixtures.ts'

/**
 * A second wirewatch for a spec file, started with `flag` (`--tls`, `--http2`) on `port` before its
 * tests and stopped after them: the e2e server itself runs plain HTTP.
 */
export function secondServer(flag: string, port: number, env: Record<string, string> = {}): void {
  let server: ChildProcess | undefined
  test.beforeAll(async () => {
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', flag], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', FEED_RATE: '2', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit']
    })
    await new Promise<void>((resolve, reject) => {
      let output = ''
      server?.stdout?.setEncoding('utf8').on('data', (text: string) => {
        output += text
        if (output.includes('wirewatch is running')) resolve()
      })
      server?.once('exit', (code) => reject(new Error(`the ${flag} server exited with ${code}`)))
    })
  })
  test.afterAll(() => {
    server?.kill('SIGTERM')
  })
}
