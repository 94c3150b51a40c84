import { expect, test } from './fixtures.ts'
import { openWirewatch, panel, techniqueNames } from './support.ts'

test.describe('the side-by-side page', () => {
  for (const { label, width, height } of [
    { label: 'desktop', width: 1440, height: 1000 },
    { label: 'phone', width: 375, height: 800 }
  ]) {
    test(`renders a live panel per technique without errors on a ${label}`, async ({ page }, testInfo) => {
      const errors: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(error.message))
      await page.setViewportSize({ width, height })
      await openWirewatch(page)

      for (const name of techniqueNames) await expect(panel(page, name)).toBeVisible()
      await expect(panel(page, 'sse')).toHaveAttribute('data-state', 'open')
      await expect(panel(page, 'websocket')).toHaveAttribute('data-state', 'open')
      await expect(panel(page, 'websocket').locator('ol.events > li').first()).toBeVisible()

      const widest = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(widest, 'nothing overflows sideways').toBeLessThanOrEqual(width)

      const path = testInfo.outputPath(`wirewatch-${label}.png`)
      await page.screenshot({ path, fullPage: true })
      await page.screenshot({ path: `e2e-output/screenshots/wirewatch-${label}.png`, fullPage: true })
      await testInfo.attach(`wirewatch-${label}`, { path, contentType: 'image/png' })
      expect(errors).toEqual([])
    })
  }
})
