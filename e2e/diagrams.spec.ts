import type { Locator, Page, TestInfo } from '@playwright/test'
import type { TechniqueName } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import {
  asPresenter,
  automaticTechniques,
  defaultTicker,
  openWirewatch,
  panel,
  saveScreenshot,
  setTicker
} from './support.ts'

function diagram(page: Page, name: TechniqueName): Locator {
  return page.locator(`figure.sequence[data-technique="${name}"]`)
}

/** A diagram's number attribute (`data-span-ms`, `data-requests`, …). */
async function numberOf(figure: Locator, attribute: string): Promise<number> {
  return Number(await figure.getAttribute(attribute))
}

/** The steepest lean of a diagram's pushed arrows, in CSS pixels as the page shows them. */
function steepestPushLeanPx(figure: Locator): Promise<number> {
  return figure.locator('svg').evaluate((svg) => {
    const scale = svg.getBoundingClientRect().height / (svg as SVGSVGElement).viewBox.baseVal.height
    const leans = [...svg.querySelectorAll('line.arrow.push')].map(
      (line) => (Number(line.getAttribute('y2')) - Number(line.getAttribute('y1'))) * scale
    )
    return Math.max(0, ...leans)
  })
}

/** Both colour schemes of the diagrams section, as a student at the back of the room sees them. */
async function screenshotBothSchemes(page: Page, testInfo: TestInfo, name: string) {
  const section = page.locator('#diagrams')
  await saveScreenshot(section, testInfo, `${name}-light`)
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.waitForTimeout(300)
  await saveScreenshot(section, testInfo, `${name}-dark`)
  await page.emulateMedia({ colorScheme: 'light' })
}

test.describe('sequence diagrams over a time window', () => {
  test.use({ viewport: { width: 1280, height: 720 } })

  // One server for every spec: leave neither a feed rate nor a simulated delay behind.
  test.afterEach(async ({ request }) => {
    const response = await request.put('/wire/network', { data: { rttMs: 0 }, headers: asPresenter })
    expect(response.status()).toBe(200)
    await setTicker(request, defaultTicker)
  })

  test('at 10 events/s each automatic technique’s diagram spans the whole last 20 s', async ({
    page,
    request
  }, testInfo) => {
    test.setTimeout(50_000)
    await setTicker(request, { rate: 10 })
    await openWirewatch(page)
    for (const name of automaticTechniques)
      await expect
        .poll(() => numberOf(diagram(page, name), 'data-span-ms'), { message: name, timeout: 30_000 })
        .toBeGreaterThanOrEqual(18_000)
    for (const name of automaticTechniques) {
      const figure = diagram(page, name)
      const first = await numberOf(figure, 'data-first-at')
      const last = await numberOf(figure, 'data-last-at')
      expect(last - first, name).toBeGreaterThanOrEqual(18_000)
      await expect(figure.locator('figcaption')).toHaveText(
        /^last 20 s: \d+ TCP handshakes?, \d+ requests?, \d+ pushed/
      )
    }
    // Arrivals are random (Poisson, 10/s on average): 200 in 20 s give or take 14. 150 is 3.5 σ below, so a
    // failure means pushes went missing from the picture, not an unlucky feed.
    expect(await numberOf(diagram(page, 'sse'), 'data-pushes')).toBeGreaterThanOrEqual(150)
    await screenshotBothSchemes(page, testInfo, 'diagrams-20s')
  })

  test('polling every 250 ms without keep-alive is summed up in bands, not drawn as a pile of arrows', async ({
    page
  }) => {
    await openWirewatch(page)
    const polling = panel(page, 'polling')
    await polling.locator('input[name=interval]').fill('250')
    await polling.locator('input[name=interval]').press('Enter')
    await polling.locator('input[name=keepalive]').setChecked(false)
    const figure = diagram(page, 'polling')
    await expect.poll(() => numberOf(figure, 'data-handshakes'), { timeout: 20_000 }).toBeGreaterThanOrEqual(30)
    await page.locator('#diagrams button.pause').click()
    try {
      const aggregates = figure.locator('g.aggregate')
      await expect(aggregates.first()).toContainText(/\d+ requests/)
      const requests = await numberOf(figure, 'data-requests')
      const drawnArrows = await figure.locator('line.arrow').count()
      expect(drawnArrows).toBeLessThan(requests)
      expect(drawnArrows).toBeLessThanOrEqual(100)
      // Every request of the window is drawn once: as an arrow, or counted in an aggregate's text.
      const aggregated = await aggregates.evaluateAll((groups) =>
        groups.reduce((sum, group) => {
          const found = /([\d,]+) requests?/.exec(group.getAttribute('data-text') ?? '')
          return sum + Number((found?.[1] ?? '0').replaceAll(',', ''))
        }, 0)
      )
      expect(aggregated + (await figure.locator('line.arrow.request').count())).toBe(requests)
    } finally {
      await page.locator('#diagrams button.pause').click()
    }
  })

  test('at the 2 s zoom a simulated 200 ms round trip makes pushed arrows lean by 10 px or more', async ({
    page,
    request
  }, testInfo) => {
    await openWirewatch(page)
    const response = await request.put('/wire/network', { data: { rttMs: 200 }, headers: asPresenter })
    expect(response.status()).toBe(200)
    await page.locator('#diagrams .zoom button[data-window-ms="2000"]').click()
    await expect(page.locator('#diagrams .zoom button[data-window-ms="2000"]')).toHaveAttribute('aria-pressed', 'true')
    for (const name of ['sse', 'websocket'] as const) {
      await expect(diagram(page, name).locator('figcaption')).toHaveText(/^last 2 s: /)
      await expect
        .poll(() => steepestPushLeanPx(diagram(page, name)), { message: name, timeout: 15_000 })
        .toBeGreaterThanOrEqual(10)
    }
    await screenshotBothSchemes(page, testInfo, 'diagrams-2s')
    await page.locator('#diagrams .zoom button[data-window-ms="20000"]').click()
    await expect(diagram(page, 'sse').locator('figcaption')).toHaveText(/^last 20 s: /)
  })
})
