import { limits } from '../src/shared/feed-event.ts'
import { expect, test } from './fixtures.ts'
import { asPresenter, defaultTicker, openWirewatch, panel, saveScreenshot, setTicker, statOf } from './support.ts'

const rttMs = 150
/**
 * At the e2e server's 2 events/s a 1 s poll carries two events or fewer, and polling's p50
 * swings with where they fell (anything from 0 to 1 000 ms). At 20 events/s each poll carries
 * events of every age, and p50 is steady: half the interval plus what the round trips add after
 * the server read the feed.
 */
const feedRate = 20
/** Timed events wanted: a few polls' worth. The first answers may carry up to `backlog` old events, not timed. */
const timedAtLeast = 40

test.describe('simulated network', () => {
  // All specs share one server: never leave a delay behind for the next one.
  test.afterEach(async ({ request }) => {
    const response = await request.put('/wire/network', { data: { rttMs: 0 }, headers: asPresenter })
    expect(response.status()).toBe(200)
    await setTicker(request, defaultTicker)
  })

  test('a simulated 150 ms round trip slows polling by its round trips and WebSocket by half of one', async ({
    page,
    request
  }, testInfo) => {
    test.setTimeout(90_000)
    await setTicker(request, { rate: feedRate })
    await openWirewatch(page)
    const rtt = page.locator('#network-controls input[name=rtt]')
    await rtt.fill(String(rttMs))
    await rtt.press('Enter')
    // The banner shows what the server says, not what was typed.
    await expect(page.locator('.network-banner')).toHaveText(`simulated RTT ${rttMs} ms`)

    // A fresh page: every latency it measures was made under the simulated round trip.
    await page.reload()
    await expect(rtt).toHaveValue(String(rttMs))
    // At the top the race view says it; further down, the fixed banner does.
    await page.evaluate(() => window.scrollTo(0, 0))
    await expect(page.locator('#race .feed-simulated')).toHaveText(`SIMULATED round trip ${rttMs} ms`)
    await expect(page.locator('.network-banner')).toBeHidden()
    await page.locator('#network-controls').scrollIntoViewIfNeeded()
    await page.evaluate(() => window.scrollBy(0, 2000))
    await expect(page.locator('.network-banner')).toBeVisible()
    await expect(page.locator('#network-controls .simulated-tag')).toBeVisible()
    await expect(page.locator('#network-controls')).toContainText(
      'SIMULATED: added by the server to every technique alike'
    )

    const polling = panel(page, 'polling')
    await expect(polling.locator('input[name=interval]')).toHaveValue('1000')
    await polling.locator('input[name=keepalive]').setChecked(false)

    for (const name of ['polling', 'websocket'] as const)
      await expect
        .poll(() => statOf(page, name, 'events'), { message: name, timeout: 60_000 })
        .toBeGreaterThanOrEqual(limits.backlog + timedAtLeast)
    const pollingP50 = await statOf(page, 'polling', 'latency-p50')
    const websocketP50 = await statOf(page, 'websocket', 'latency-p50')
    testInfo.annotations.push({
      type: 'measured',
      description: `simulated RTT ${rttMs} ms: polling p50 ${pollingP50} ms, websocket p50 ${websocketP50} ms`
    })
    console.log(`simulated RTT ${rttMs} ms: polling p50 ${pollingP50} ms, websocket p50 ${websocketP50} ms`)

    // An event waits for the next poll (half the 1 s interval at the median), and every poll pays a TCP
    // handshake and a request round trip on top; a pushed frame pays only half a round trip.
    expect(pollingP50 - websocketP50).toBeGreaterThanOrEqual(2 * rttMs)
    expect(websocketP50).toBeGreaterThanOrEqual(rttMs / 2)

    await saveScreenshot(page.locator('section.page-header'), testInfo, 'network-simulated')
  })

  test('a value out of range is refused, shown, and the control goes back to the server’s value', async ({
    page,
    pageErrors
  }) => {
    pageErrors.expect(/status of 400 \(Bad Request\)/, 'the test sends a round trip out of range on purpose')
    await openWirewatch(page)
    const rtt = page.locator('#network-controls input[name=rtt]')
    await expect(rtt).toHaveValue('0')
    await rtt.fill('600')
    await rtt.press('Enter')
    await expect(page.locator('#network-controls .refusal')).toContainText('Not changed')
    await expect(rtt).toHaveValue('0')
    await expect(page.locator('.network-banner')).toBeHidden()
  })
})
