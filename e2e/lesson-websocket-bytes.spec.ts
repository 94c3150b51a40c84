import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { defaultTicker, latestId, setTicker } from './support.ts'

/** A figure of the lesson's WebSocket demo panel, as a number. */
async function figure(page: Page, key: string): Promise<number> {
  const text = await page.locator(`.demo[data-technique="websocket"] .panel [data-stat="${key}"]`).textContent()
  return Number.parseFloat((text ?? '').replaceAll(',', ''))
}

test.describe('what lessons 7 and 8 say their WebSocket demo shows', () => {
  test.afterEach(async ({ request }) => setTicker(request, defaultTicker))

  test('is the Upgrade, the 101 and the catch-up spread over the new events, on top of about 94 bytes a frame', async ({
    page,
    request
  }) => {
    test.setTimeout(60_000)
    // A feed with at least the 10 events a new connection is given first, as in class.
    await setTicker(request, { rate: 20, paused: false, pattern: 'random' })
    await expect.poll(() => latestId(request)).toBeGreaterThanOrEqual(10)
    await setTicker(request, { paused: true })
    await page.goto('/lessons/websocket')
    await page.locator('aside.predict button[name=skip]').first().click()
    await page.locator('.demo[data-technique="websocket"] .panel input[name=enabled]').check()
    await expect(page.locator('.demo[data-technique="websocket"] .panel')).toHaveAttribute('data-state', 'open')
    // The feed's last 10 events, then the page's own first ping (3 s after open) and its pong.
    await expect.poll(() => figure(page, 'catch-up')).toBe(10)
    await page.waitForTimeout(4_500)
    const opened = { bytes: (await figure(page, 'bytes-in')) + (await figure(page, 'bytes-out')) }
    // What the lesson says of the Upgrade, the 101, the catch-up and the first ping: about 1,600 bytes together.
    expect(opened.bytes).toBeGreaterThan(1_400)
    expect(opened.bytes).toBeLessThan(2_000)

    await setTicker(request, { rate: 5, paused: false, pattern: 'random' })
    await expect
      .poll(() => figure(page, 'events').then((events) => events - 10), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(20)
    await setTicker(request, { paused: true })
    await page.waitForTimeout(1_500)
    const fresh = (await figure(page, 'events')) - (await figure(page, 'catch-up'))
    const bytes = (await figure(page, 'bytes-in')) + (await figure(page, 'bytes-out'))
    const perFrame = (bytes - opened.bytes) / fresh
    // Each new event: its JSON (66–68 bytes with these ids), the 25-byte wrapper, the 2-byte header.
    expect(perFrame).toBeGreaterThan(90)
    expect(perFrame).toBeLessThan(98)
    const shown = await figure(page, 'bytes-per-event')
    expect(Math.abs(shown - bytes / fresh), `shown ${shown}, bytes ${bytes} ÷ ${fresh}`).toBeLessThanOrEqual(1)
    // The lesson's "about 175 after 20 new events", whatever number of them this run had.
    const atTwenty = (opened.bytes + 20 * perFrame) / 20
    expect(atTwenty).toBeGreaterThan(160)
    expect(atTwenty).toBeLessThan(200)
  })

  test('lesson 8’s Ping adds no request: one masked frame in, one pong out', async ({ page }) => {
    await page.goto('/lessons/choosing')
    await page.locator('aside.predict button[name=skip]').first().click()
    const demo = page.locator('.demo[data-technique="websocket"] .panel')
    await demo.locator('input[name=enabled]').check()
    await expect(demo).toHaveAttribute('data-state', 'open')
    // After the page's own first ping (3 s after open), the counts stand still between events.
    await expect(demo.locator('[data-stat="round-trip"]')).not.toHaveText('–', { timeout: 10_000 })
    await page.waitForTimeout(1_000)
    const before = { requests: await figure(page, 'requests'), bytesIn: await figure(page, 'bytes-in') }
    expect(before.requests).toBe(1)
    await demo.getByRole('button', { name: 'Ping' }).click()
    // `{"type":"ping","t":…}` is some 30 to 40 bytes, behind a 6-byte masked header.
    await expect.poll(() => figure(page, 'bytes-in')).toBeGreaterThan(before.bytesIn + 30)
    expect(await figure(page, 'bytes-in')).toBeLessThan(before.bytesIn + 60)
    expect(await figure(page, 'requests')).toBe(1)
  })
})
