import { expect, test } from './fixtures.ts'
import { secondServer } from './second-server.ts'
import { openWirewatch, panel } from './support.ts'

const port = Number(process.env.E2E_TLS_PORT ?? 4443)
// A second server, started with --tls: the same page over https:// and wss://.
secondServer('--tls', port)

// The certificate is made at start and signed by nobody: the browser is told to accept it, as a teacher would once.
test.use({ ignoreHTTPSErrors: true, baseURL: `https://127.0.0.1:${port}` })

test('over --tls the page works the same: SSE over https, WebSocket over wss', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  await openWirewatch(page)
  expect(page.url()).toMatch(/^https:/)
  for (const name of ['sse', 'websocket'] as const)
    await expect(panel(page, name).locator('ol.events > li').first()).toBeVisible({ timeout: 10_000 })
  await expect(panel(page, 'websocket')).toHaveAttribute('data-state', 'open')
  // The wire view shows the decrypted Upgrade request: TLS is below HTTP.
  await panel(page, 'websocket').locator('button.open-wire').click()
  await expect(page.locator('dialog[open] pre.head').first()).toContainText('GET /feed/websocket?client=')
  expect(errors).toEqual([])
})
