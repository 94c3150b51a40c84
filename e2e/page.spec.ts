import { expect, test } from './fixtures.ts'
import { openWirewatch, panel, saveScreenshot, techniqueNames } from './support.ts'

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

  test('on a big screen the page uses its width: the race and the panels span at least 90 % of it, in larger type', async ({
    page
  }, testInfo) => {
    const measure = () =>
      page.evaluate(() => {
        const width = (selector: string) =>
          (document.querySelector(selector) as HTMLElement).getBoundingClientRect().width
        return {
          race: width('#race') / innerWidth,
          panels: width('#panels') / innerWidth,
          laneName: Number.parseFloat(getComputedStyle(document.querySelector('.lane-name') as Element).fontSize),
          panelText: Number.parseFloat(getComputedStyle(document.querySelector('.panel .how') as Element).fontSize),
          sideways: document.documentElement.scrollWidth - innerWidth
        }
      })
    await page.setViewportSize({ width: 1280, height: 720 })
    await openWirewatch(page)
    const laptop = await measure()
    for (const { width, height } of [
      { width: 1920, height: 1080 },
      { width: 2560, height: 1440 }
    ]) {
      await page.setViewportSize({ width, height })
      const seen = await measure()
      console.log(`/ at ${width}x${height}: ${JSON.stringify(seen)} (1280x720: ${JSON.stringify(laptop)})`)
      expect(seen.race, `the race's share of ${width} px`).toBeGreaterThanOrEqual(0.9)
      expect(seen.panels, `the panels' share of ${width} px`).toBeGreaterThanOrEqual(0.9)
      expect(seen.sideways, 'nothing overflows sideways').toBeLessThanOrEqual(0)
      expect(seen.laneName, 'the lanes are named larger than on a laptop').toBeGreaterThan(laptop.laneName)
      expect(seen.panelText, "the panels' text is larger than on a laptop").toBeGreaterThan(laptop.panelText)
      await saveScreenshot(page, testInfo, `wirewatch-${width}x${height}`)
    }
  })
})
