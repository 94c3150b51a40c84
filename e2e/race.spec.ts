import { AxeBuilder } from '@axe-core/playwright'
import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  defaultTicker,
  latestId,
  openWirewatch,
  panel,
  saveScreenshot,
  setTicker,
  shownIds,
  statOf,
  techniqueNames,
  wireOf
} from './support.ts'

const figureKeys = ['latency-p50', 'bytes-per-event', 'requests-per-s'] as const

function lane(page: Page, name: string): Locator {
  return page.locator(`[data-lane="${name}"]`)
}

/** A figure's `data-value`: a plain number, or undefined while it is not known yet. */
async function figureOf(page: Page, name: string, key: string): Promise<number | undefined> {
  const value = await lane(page, name).locator(`[data-figure="${key}"]`).getAttribute('data-value')
  if (value === null || value === '') return undefined
  expect(value, `${name} ${key} is a plain number`).toMatch(/^-?\d+(\.\d+)?$/)
  return Number(value)
}

/** Every lane and each of its three figures lies inside the viewport, without scrolling. */
async function expectRaceInViewport(page: Page, width: number, height: number): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0))
  for (const name of techniqueNames) {
    const targets = [lane(page, name), ...figureKeys.map((key) => lane(page, name).locator(`[data-figure="${key}"]`))]
    for (const target of targets) {
      const box = await target.boundingBox()
      expect(box, `${name} is laid out`).not.toBeNull()
      if (!box) continue
      expect(box.x, `${name} starts inside at ${width}x${height}`).toBeGreaterThanOrEqual(0)
      expect(box.y).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width, `${name} ends inside the width at ${width}x${height}`).toBeLessThanOrEqual(width)
      expect(box.y + box.height, `${name} ends above the fold at ${width}x${height}`).toBeLessThanOrEqual(height)
    }
  }
}

test.describe('the race view', () => {
  test.afterEach(async ({ request }) => setTicker(request, defaultTicker))

  test('shows the same figures as the panels and /wire, and polling loses the race at the defaults', async ({
    page,
    request
  }, testInfo) => {
    test.setTimeout(120_000)
    // The product's defaults: 1 event/s on average, random arrivals, polling every second.
    await setTicker(request, { rate: 1, paused: false, pattern: 'random' })
    await page.setViewportSize({ width: 1280, height: 720 })
    const client = await openWirewatch(page)
    await expect(page.locator('#race .feed-rate')).toContainText('1 event/s on average, random arrivals')
    await expectRaceInViewport(page, 1280, 720)
    // A sample of /wire 10 s before the end, to check requests per second over the same window.
    await page.waitForTimeout(22_000)
    const before = await wireOf(request, client)
    await page.waitForTimeout(10_000)
    const after = await wireOf(request, client)

    for (const name of ['polling', 'long-polling', 'sse', 'websocket'] as const) {
      const requestsPerSecond = await figureOf(page, name, 'requests-per-s')
      const expected =
        ((after.techniques[name].requests - before.techniques[name].requests) * 1000) / (after.at - before.at)
      expect(requestsPerSecond, `${name} requests/s against /wire`).toBeDefined()
      expect(
        Math.abs((requestsPerSecond ?? 0) - expected),
        `${name}: ${requestsPerSecond} vs ${expected}`
      ).toBeLessThanOrEqual(Math.max(0.25, expected * 0.2))
      expect(requestsPerSecond, `${name}: the race and the panel agree`).toBeCloseTo(
        await statOf(page, name, 'requests-per-s'),
        0
      )
    }

    // The race view shows the panels' figures at each report (every 500 ms) and a panel its own at each event:
    // with the feed paused for a few reports, both show the same latency, to the rounding.
    await setTicker(request, { rate: 1, paused: true, pattern: 'random' })
    await page.waitForTimeout(1_500)
    for (const name of ['polling', 'long-polling', 'sse', 'websocket'] as const) {
      const latency = await figureOf(page, name, 'latency-p50')
      const panelLatency = await statOf(page, name, 'latency-p50')
      expect(latency, `${name} latency is measured`).toBeDefined()
      expect(
        Math.abs((latency ?? 0) - panelLatency),
        `${name} latency: race ${latency}, panel ${panelLatency}`
      ).toBeLessThanOrEqual(1)

      const wire = (await wireOf(request, client)).techniques[name]
      // Per new event: the catch-up the first answer brought is not divided by.
      const events = (await statOf(page, name, 'events')) - (await statOf(page, name, 'catch-up'))
      const bytes = await figureOf(page, name, 'bytes-per-event')
      const expectedBytes = (wire.bytesIn + wire.bytesOut) / events
      expect(
        Math.abs((bytes ?? 0) - expectedBytes),
        `${name} bytes/event: race ${bytes}, /wire ${expectedBytes}`
      ).toBeLessThanOrEqual(expectedBytes * 0.1)
    }

    await setTicker(request, { rate: 1, paused: false, pattern: 'random' })
    const empty = (await wireOf(request, client)).techniques.polling.emptyResponses
    expect(empty, 'random arrivals leave some polls empty').toBeGreaterThan(0)
    expect(
      Number(await lane(page, 'polling').getAttribute('data-empty-answers')),
      'empty answers are drawn'
    ).toBeGreaterThan(0)
    expect(await figureOf(page, 'polling', 'latency-p50')).toBeGreaterThan(200)
    expect(await figureOf(page, 'sse', 'latency-p50')).toBeLessThan(50)
    expect(await figureOf(page, 'websocket', 'latency-p50')).toBeLessThan(50)
    expect(Number(await lane(page, 'sse').getAttribute('data-arrivals')), 'SSE arrivals are drawn').toBeGreaterThan(5)

    await saveScreenshot(page, testInfo, 'race-1280x720-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(page, testInfo, 'race-1280x720-dark')

    await page.setViewportSize({ width: 1920, height: 1080 })
    await page.emulateMedia({ colorScheme: 'light' })
    await expectRaceInViewport(page, 1920, 1080)
    const smallest = await page
      .locator('[data-lane] .figure-reading')
      .evaluateAll((readings) =>
        Math.min(...readings.map((reading) => Number.parseFloat(getComputedStyle(reading).fontSize)))
      )
    expect(smallest, 'figures readable from the back of a room').toBeGreaterThanOrEqual(28)
    await saveScreenshot(page, testInfo, 'race-1920x1080-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(page, testInfo, 'race-1920x1080-dark')
  })

  test('on a phone every figure is within two screens, and axe finds nothing', async ({ page }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 667 })
    await openWirewatch(page, { asTeacher: false })
    await expect(panel(page, 'websocket').locator('ol.events > li').first()).toBeVisible()
    const bottoms = await page
      .locator('[data-lane] [data-figure]')
      .evaluateAll((figures) => figures.map((figure) => figure.getBoundingClientRect().bottom + window.scrollY))
    expect(bottoms).toHaveLength(techniqueNames.length * figureKeys.length)
    expect(Math.max(...bottoms), 'all figures within two screens').toBeLessThanOrEqual(2 * 667)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)

    const race = page.locator('#race')
    await saveScreenshot(race, testInfo, 'race-375-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(race, testInfo, 'race-375-dark')
    for (const scheme of ['dark', 'light'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      const results = await new AxeBuilder({ page }).include('#race').analyze()
      expect(results.violations, `${scheme}: ${results.violations.map((v) => v.id).join(', ')}`).toEqual([])
    }
  })

  test('a manual lane says which button to press until it is pressed, then its figures appear', async ({
    page,
    request
  }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    // Paused, so Manual refresh's first load, when it is switched on, brings no event to draw.
    await setTicker(request, { paused: true })
    await openWirewatch(page, { asTeacher: false })
    // Until pressed, an empty manual lane says which button fills it, in the technique's own word.
    await expect(lane(page, 'refresh').locator('.lane-hint')).toBeVisible()
    await expect(lane(page, 'refresh').locator('.lane-hint')).toHaveText('press Reload')
    await expect(lane(page, 'ajax').locator('.lane-hint')).toBeVisible()
    await expect(lane(page, 'ajax').locator('.lane-hint')).toHaveText('press Update')
    await expect(lane(page, 'polling').locator('.lane-hint')).toHaveCount(0)
    await setTicker(request, defaultTicker)
    await expect.poll(() => statOf(page, 'ajax', 'unseen')).toBeGreaterThan(0)
    await lane(page, 'ajax').getByRole('button', { name: 'Update' }).click()
    await expect(lane(page, 'ajax').locator('.lane-hint')).toBeHidden()
    await expect.poll(() => statOf(page, 'ajax', 'requests')).toBeGreaterThanOrEqual(1)
    // The first answer is the feed as it was: catch-up, though how long its events waited is drawn.
    // Bytes per new event waits for the next answer, which brings what was published since.
    await expect.poll(() => statOf(page, 'ajax', 'catch-up')).toBeGreaterThan(0)
    expect(await figureOf(page, 'ajax', 'bytes-per-event')).toBeUndefined()
    const newestShown = (await shownIds(page, 'ajax'))[0] ?? 0
    await expect.poll(() => latestId(request)).toBeGreaterThan(newestShown)
    await lane(page, 'ajax').getByRole('button', { name: 'Update' }).click()
    await expect.poll(() => figureOf(page, 'ajax', 'bytes-per-event')).toBeGreaterThan(0)
  })
})
