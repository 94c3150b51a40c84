import { type ChildProcess, spawn } from 'node:child_process'
import { expect, test } from './fixtures.ts'
import { openWirewatch, panel, switchPanel } from './support.ts'

const port = Number(process.env.E2E_H2_PORT ?? 4306)
let server: ChildProcess | undefined

// A second server, started with --http2: the page over HTTP/2, its frames in the wire view.
test.beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--http2'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', FEED_RATE: '2', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise<void>((resolve, reject) => {
    let output = ''
    server?.stdout?.setEncoding('utf8').on('data', (text: string) => {
      output += text
      if (output.includes('wirewatch is running')) resolve()
    })
    server?.once('exit', (code) => reject(new Error(`the --http2 server exited with ${code}`)))
  })
})

test.afterAll(() => {
  server?.kill('SIGTERM')
})

test.use({ ignoreHTTPSErrors: true, baseURL: `https://127.0.0.1:${port}` })

test("over --http2 polling's wire view shows its frames, and its request heads far smaller than as HTTP/1.1", async ({
  page
}) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  await openWirewatch(page)
  expect(
    await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol
    )
  ).toBe('h2')
  await switchPanel(page, 'polling', true)
  await expect(panel(page, 'polling').locator('ol.events > li').first()).toBeVisible({ timeout: 10_000 })
  await panel(page, 'polling').locator('button.open-wire').click()
  const dialog = page.locator('dialog[open].wire-view')
  await expect(dialog.locator('.h2-heads tbody tr[data-direction=in]').nth(1)).toBeVisible({ timeout: 10_000 })
  // The newest request's HEADERS opens on its header list, each field with how HPACK sent it.
  const fields = dialog.locator('.h2-frame[data-type=HEADERS][data-direction=in] details[open] .h2-fields')
  await expect(fields.first()).toContainText(':path: /feed/polling?client=')
  await expect(fields.first().locator('li[data-representation=indexed]').first()).toBeVisible()
  const newest = await dialog.locator('.h2-heads tbody tr[data-direction=in]').first().locator('td').allTextContents()
  const onTheWire = Number(/\+ (\d+) B/.exec(newest[2] ?? '')?.[1])
  const asHttp1 = Number(/(\d+) B/.exec(newest[3] ?? '')?.[1])
  expect(onTheWire).toBeGreaterThan(0)
  expect(onTheWire * 4).toBeLessThan(asHttp1)
  expect(errors).toEqual([])
})
