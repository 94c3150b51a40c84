import { defineConfig } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 3999)

/** E2e tests drive Debian's Chromium (no browser downloads are possible here) against the real server. */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e-output/results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The specs share one server and one feed: run them one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [['list'], ['html', { outputFolder: 'e2e-output/report', open: 'never' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // http://classroom.test:<port> reaches this server as a classroom does its LAN address: not a
        // secure context (no Web Locks, no crypto.subtle), while the traffic stays on loopback.
        '--host-resolver-rules=MAP classroom.test 127.0.0.1'
      ]
    },
    trace: 'retain-on-failure'
  },
  webServer: {
    command: 'node --import tsx src/server/main.ts',
    url: `http://127.0.0.1:${port}/`,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      FEED_RATE: '2',
      LOG_LEVEL: 'warn',
      PRESENTER_TOKEN: 'e2e-presenter-token'
    },
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe'
  }
})
