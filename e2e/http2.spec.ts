import { techniqueNames } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import { secondServer } from './second-server.ts'
import { openWirewatch, panel, presenterToken, switchPanel } from './support.ts'

const port = Number(process.env.E2E_H2_PORT ?? 4306)
// A second server, started with --http2: the page over HTTP/2, its techniques on one connection, its
// frames in the wire view, and the six-connection demo with nothing to wait for.
secondServer('--http2', port, { PRESENTER_TOKEN: presenterToken })

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

test('over --http2 every panel delivers, every technique but the WebSocket says HTTP/2, and the page holds one HTTP/2 connection', async ({
  page
}) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  await openWirewatch(page)
  for (const name of techniqueNames) await switchPanel(page, name, true)
  for (const name of ['polling', 'long-polling', 'sse', 'websocket', 'fetch-stream', 'iframe-stream'] as const)
    await expect(panel(page, name).locator('ol.events > li').first()).toBeVisible({ timeout: 10_000 })
  // The race view says what the figures were measured over, as the browser reports it.
  await expect(page.locator('#race .page-protocol')).toHaveText('this page over HTTP/2')
  // As the server saw the requests: streams of one HTTP/2 connection, the WebSocket's Upgrade over HTTP/1.1.
  for (const name of ['polling', 'long-polling', 'sse', 'fetch-stream', 'iframe-stream'] as const)
    await expect(panel(page, name).locator('[data-stat=http-version]')).toHaveText('HTTP/2')
  await expect(panel(page, 'websocket').locator('[data-stat=http-version]')).toHaveText('HTTP/1.x')
  for (const name of ['polling', 'long-polling', 'sse', 'fetch-stream', 'iframe-stream'] as const)
    await expect(panel(page, name).locator('[data-stat=connections-opened]')).toHaveText('0')
  // The page's own connections, once each: one HTTP/2 for everything, one HTTP/1.1 per WebSocket (feed, stats).
  const line = page.locator('#connections-now')
  await expect(line).toHaveAttribute('data-http2', '1')
  await expect(line).toHaveAttribute('data-http1', '2')
  await expect(line).toContainText('1 connection over HTTP/2')
  // The console says the same for the whole room, from the server's totals.
  const consolePage = await page.context().newPage()
  await consolePage.goto(`/presenter/console#token=${presenterToken}`)
  await expect(consolePage.locator('[data-http-version=sse]')).toHaveText('HTTP/2')
  await expect(consolePage.locator('[data-http-version=websocket]')).toHaveText('HTTP/1.x')
  expect(errors).toEqual([])
})

test('over --http2 the six-connection demo opens all eight streams at once on one connection, and the next request is not held up', async ({
  page
}) => {
  await page.goto('/lessons/choosing')
  const demo = page.locator('[data-six-connections]')
  await expect(demo).toHaveAttribute('data-protocol', 'h2')
  await demo.getByRole('spinbutton', { name: /streams/ }).fill('8')
  await demo.getByRole('button', { name: 'Open 8 streams' }).click()
  await expect(demo.locator('[data-stream-state=open]')).toHaveCount(8, { timeout: 5_000 })
  await expect(demo.locator('[data-probe-state]')).toHaveAttribute('data-probe-state', 'answered', { timeout: 5_000 })
  expect(Number(await demo.locator('[data-probe-state]').getAttribute('data-probe-ms'))).toBeLessThan(1_000)
  const waited = await demo
    .locator('[data-stream-state]')
    .evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset.waitedMs)))
  expect(Math.max(...waited)).toBeLessThan(1_000)
  // The server counts one connection for all of them (the demo's questions are charged to the page).
  await expect(demo).toHaveAttribute('data-server-connections', '1', { timeout: 5_000 })
  console.log(`over HTTP/2: 8 streams open after ${waited.map((ms) => Math.round(ms)).join(', ')} ms`)
  await demo.getByRole('button', { name: 'Close them' }).click()
})
