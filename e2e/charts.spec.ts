import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  defaultTicker,
  latestId,
  openWirewatch,
  saveScreenshot,
  setTicker,
  shownIds,
  statOf,
  switchPanel,
  techniqueNames,
  wireOf
} from './support.ts'

function chart(page: Page, key: string): Locator {
  return page.locator(`#charts figure[data-chart="${key}"]`)
}

async function pointsOf(page: Page, key: string): Promise<number> {
  return Number(await chart(page, key).getAttribute('data-points'))
}

async function costOf(page: Page, key: string): Promise<number> {
  return Number(await page.locator(`#cost output[data-cost="${key}"]`).getAttribute('data-value'))
}

test.describe('charts and cost calculator', () => {
  test('the three charts fill with points from real traffic', async ({ page }, testInfo) => {
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await openWirewatch(page)

    for (const key of ['latency', 'bytes-per-event', 'requests-per-second'])
      await expect.poll(() => pointsOf(page, key), { message: key, timeout: 20_000 }).toBeGreaterThan(10)
    // Each chart draws one canvas and a legend naming every technique.
    for (const key of ['latency', 'bytes-per-event', 'requests-per-second']) {
      await expect(chart(page, key).locator('canvas')).toHaveCount(1)
      await expect(chart(page, key).locator('.u-legend .u-series')).toHaveCount(techniqueNames.length) // one per technique
      await expect(chart(page, key).locator('figcaption')).toBeVisible()
    }
    await expect(chart(page, 'latency').locator('.u-legend')).toContainText('WebSocket')

    await page.locator('#charts').scrollIntoViewIfNeeded()
    await saveScreenshot(page.locator('#charts'), testInfo, 'charts-desktop')
    await page.setViewportSize({ width: 375, height: 800 })
    // A resized chart keeps inside its figure on a phone.
    await expect
      .poll(async () => {
        const canvas = await chart(page, 'latency').locator('canvas').boundingBox()
        const figure = await chart(page, 'latency').boundingBox()
        return canvas && figure ? canvas.width <= figure.width : false
      })
      .toBe(true)
    await saveScreenshot(page.locator('#charts'), testInfo, 'charts-phone')
    expect(errors).toEqual([])
  })

  test('the cost of 30 students polling every second follows the bytes measured per request', async ({
    page,
    request
  }, testInfo) => {
    const client = await openWirewatch(page)
    const cost = page.locator('#cost')
    await expect(cost.locator('input[name=students]')).toHaveValue('30')
    await cost.locator('select[name=technique]').selectOption('polling')
    await cost.locator('input[name=poll-interval]').fill('1000')

    // Polling has run a few times, so the per-request figures are measured.
    await expect.poll(async () => (await wireOf(request, client)).techniques.polling.requests).toBeGreaterThan(4)
    await expect(cost.locator('.cost-used li')).toHaveCount(2)
    await expect(cost.locator('.cost-missing')).toBeHidden()

    // The page's figures move with every report: compare against /wire read right around them.
    await expect
      .poll(async () => {
        const before = (await wireOf(request, client)).techniques.polling
        const shown = {
          requests: await costOf(page, 'requests-per-second'),
          bytesIn: await costOf(page, 'bytes-in-per-second'),
          bytesOut: await costOf(page, 'bytes-out-per-second'),
          open: await costOf(page, 'open-connections')
        }
        const after = (await wireOf(request, client)).techniques.polling
        const near = (value: number, low: number, high: number) =>
          value >= Math.min(low, high) * 0.97 && value <= Math.max(low, high) * 1.03
        const inPer = (row: typeof before) => 30 * (row.bytesIn / row.requests)
        const outPer = (row: typeof before) => 30 * (row.bytesOut / row.requests)
        return (
          shown.requests === 30 &&
          shown.open === 30 &&
          near(shown.bytesIn, inPer(before), inPer(after)) &&
          near(shown.bytesOut, outPer(before), outPer(after))
        )
      })
      .toBe(true)

    // It says which measured figures it used, from how many requests, and the formula.
    await expect(cost.locator('[data-used="bytes in per request"]')).toContainText(/averaged over \d+ requests/)
    await expect(cost.locator('.cost-formulas')).toContainText('requests/s = students ÷ poll interval (s)')
    await expect(cost.locator('.cost-textbook')).toContainText('not measured')
    await expect(cost.locator('.cost-textbook')).toContainText('871 bytes')

    // Keep-alive off: one TCP handshake per poll.
    await cost.locator('input[name=keep-alive]').setChecked(false)
    await expect.poll(() => costOf(page, 'handshakes-per-second')).toBe(30)

    // AJAX fetches only when someone presses Update: nothing measured yet, so the calculator asks for that first.
    await cost.locator('select[name=technique]').selectOption('ajax')
    await expect(cost.locator('.cost-missing')).toContainText('Run the Manual AJAX panel first')
    await expect(cost.locator('output[data-cost="requests-per-second"]')).toHaveText('–')
    await page.locator('section.panel#ajax button[name=update]').click()
    await expect(cost.locator('.cost-missing')).toBeHidden()
    await expect(cost.locator('[data-used="new connections per request"]')).toBeVisible()
    await cost.locator('select[name=technique]').selectOption('polling')

    await cost.scrollIntoViewIfNeeded()
    await saveScreenshot(cost, testInfo, 'cost-calculator-desktop')
    await page.setViewportSize({ width: 375, height: 800 })
    await saveScreenshot(cost, testInfo, 'cost-calculator-phone')
  })

  test('at 10 events/s polled every second, the latency chart draws every event the panel timed', async ({
    page,
    request
  }, testInfo) => {
    const latency = chart(page, 'latency')
    try {
      // Paused while the page opens: what the panels get at first is backlog, never timed, never drawn.
      await setTicker(request, { paused: true })
      await openWirewatch(page)
      for (const name of techniqueNames) if (name !== 'polling') await switchPanel(page, name, false)
      const before = await latestId(request)
      await setTicker(request, { rate: 10, paused: false })
      await page.waitForTimeout(8_000)
      await setTicker(request, { paused: true })
      const after = await latestId(request)
      // Polling catches up within a second; every event after `before` was published while it was on.
      await expect.poll(async () => (await shownIds(page, 'polling'))[0]).toBe(after)
      const timed = after - before
      expect(timed).toBeGreaterThan(50)

      // One dot per timed event, though each poll brought about ten of them received at the same instant.
      await expect.poll(async () => Number(await latency.getAttribute('data-points-polling'))).toBe(timed)
      expect(await pointsOf(page, 'latency')).toBe(timed)
      await expect(latency).toHaveAttribute('data-capped', 'false')

      // The chart's median is the panel's p50 (one dot per poll would have kept only each batch's newest: ~50 ms).
      const chartMedian = Number(await latency.getAttribute('data-median-polling'))
      const panelMedian = await statOf(page, 'polling', 'latency-p50')
      expect(Math.abs(chartMedian - panelMedian)).toBeLessThanOrEqual(0.25 * panelMedian)
      expect(chartMedian).toBeGreaterThan(200)
      testInfo.annotations.push({
        type: 'measured',
        description: `${timed} events timed and drawn; chart median ${chartMedian} ms, panel p50 ${panelMedian} ms`
      })
      await latency.scrollIntoViewIfNeeded()
      await saveScreenshot(latency, testInfo, 'latency-chart-polling-10-per-second')
    } finally {
      await setTicker(request, defaultTicker)
    }
  })
})
