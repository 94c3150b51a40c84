import type { APIRequestContext, Locator, Page } from '@playwright/test'
import type { TechniqueName } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import { defaultTicker, latestId, openWirewatch, panel, setTicker, statOf, switchPanel, wireOf } from './support.ts'

function raceFigure(page: Page, name: TechniqueName): Locator {
  return page.locator(`[data-lane="${name}"] [data-figure="bytes-per-event"]`)
}

/** The race view's bytes per new event: a plain number, or undefined while it reads –. */
async function raceBytes(page: Page, name: TechniqueName): Promise<number | undefined> {
  const value = await raceFigure(page, name).getAttribute('data-value')
  return value === null || value === '' ? undefined : Number(value)
}

function summaryCell(page: Page, name: TechniqueName, column: string): Locator {
  return page.locator(`#summary tr[data-technique="${name}"] td[data-column="${column}"]`)
}

/**
 * The counting rule, read back from /wire: all the technique's bytes ÷ the events the panel says
 * were published while it was on (events received minus its catch-up).
 */
async function expectedBytes(page: Page, request: APIRequestContext, client: string, name: TechniqueName) {
  const wire = (await wireOf(request, client)).techniques[name]
  const events = await statOf(page, name, 'events')
  const catchUp = await statOf(page, name, 'catch-up')
  const bytes = wire.bytesIn + wire.bytesOut
  return { perNewEvent: bytes / (events - catchUp), perEventReceived: bytes / events, catchUp, events }
}

test.describe('bytes per new event', () => {
  test.afterEach(async ({ request }) => setTicker(request, defaultTicker))

  test('Manual refresh reads – until a reload brings an event published since the page loaded', async ({
    page,
    request
  }) => {
    await setTicker(request, defaultTicker)
    const client = await openWirewatch(page)
    const before = await latestId(request)
    // The first load brought the feed's latest events: all catch-up, none new.
    await expect.poll(() => statOf(page, 'refresh', 'events')).toBeGreaterThan(0)
    await expect.poll(() => latestId(request), { timeout: 15_000 }).toBeGreaterThan(before + 2)
    const firstLoad = await statOf(page, 'refresh', 'events')
    expect(await statOf(page, 'refresh', 'catch-up')).toBe(firstLoad)
    // Reports come twice a second: give the figures a few of them, with new events in the feed.
    await page.waitForTimeout(1_500)
    await expect(raceFigure(page, 'refresh')).toHaveAttribute('data-value', '')
    await expect(raceFigure(page, 'refresh').locator('.figure-number')).toHaveText('–')
    await expect(panel(page, 'refresh').locator('[data-stat="bytes-per-event"]')).toHaveText('–')
    await expect(summaryCell(page, 'refresh', 'bytes-per-event')).toHaveText('–')
    await expect(summaryCell(page, 'refresh', 'events')).toHaveText('0')
    await expect(summaryCell(page, 'refresh', 'catch-up')).toHaveText(String(firstLoad))

    await panel(page, 'refresh').getByRole('button', { name: 'Reload' }).click()
    await expect.poll(() => raceBytes(page, 'refresh')).toBeGreaterThan(0)
    await setTicker(request, { paused: true })
    await page.waitForTimeout(1_500)
    // The reload's repeats are duplicates, not new events, and the first load stays catch-up.
    expect(await statOf(page, 'refresh', 'catch-up')).toBe(firstLoad)
    const { perNewEvent, events } = await expectedBytes(page, request, client, 'refresh')
    expect(events, 'the reload brought new events').toBeGreaterThan(firstLoad)
    const shown = (await raceBytes(page, 'refresh')) ?? 0
    expect(Math.abs(shown - perNewEvent), `race ${shown}, /wire ${perNewEvent}`).toBeLessThanOrEqual(1)
    expect(await statOf(page, 'refresh', 'bytes-per-event')).toBeCloseTo(shown, -1)
  })

  test('a stream is not divided by its catch-up, and switched off and on it adds up both times on', async ({
    page,
    request
  }) => {
    await setTicker(request, defaultTicker)
    const client = await openWirewatch(page)
    await expect.poll(() => statOf(page, 'sse', 'catch-up')).toBeGreaterThan(0)
    const catchUp = await statOf(page, 'sse', 'catch-up')
    await expect.poll(() => statOf(page, 'sse', 'events'), { timeout: 20_000 }).toBeGreaterThan(catchUp + 4)

    await setTicker(request, { paused: true })
    await page.waitForTimeout(1_500)
    const first = await expectedBytes(page, request, client, 'sse')
    const shown = (await raceBytes(page, 'sse')) ?? 0
    expect(Math.abs(shown - first.perNewEvent), `race ${shown}, /wire ${first.perNewEvent}`).toBeLessThanOrEqual(1)
    expect(shown, 'more than bytes ÷ every event received, catch-up included').toBeGreaterThan(
      first.perEventReceived * 1.05
    )
    expect(await statOf(page, 'sse', 'bytes-per-event')).toBeCloseTo(shown, -1)
    expect(Number(await summaryCell(page, 'sse', 'bytes-per-event').textContent())).toBeCloseTo(shown, -1)
    await expect(summaryCell(page, 'sse', 'catch-up')).toHaveText(String(first.catchUp))

    // The cost calculator divides SSE's bytes out by the same new events, and says so.
    const cost = page.locator('#cost')
    await cost.locator('select[name=technique]').selectOption('sse')
    await expect(cost.locator('[data-used="bytes out per new event"]')).toContainText(
      `averaged over ${first.events - first.catchUp} new events (not the ${first.catchUp} catch-up events`
    )

    // Off, an event published, on again: the resumed stream brings it as catch-up, not as a new event.
    await switchPanel(page, 'sse', false)
    const whileOff = await latestId(request)
    await setTicker(request, defaultTicker)
    await expect.poll(() => latestId(request)).toBeGreaterThan(whileOff)
    await setTicker(request, { paused: true })
    const publishedWhileOff = (await latestId(request)) - whileOff
    await switchPanel(page, 'sse', true)
    await expect.poll(() => statOf(page, 'sse', 'catch-up')).toBe(first.catchUp + publishedWhileOff)
    await setTicker(request, defaultTicker)
    await expect.poll(() => statOf(page, 'sse', 'events')).toBeGreaterThan(first.events + publishedWhileOff + 1)
    await setTicker(request, { paused: true })
    await page.waitForTimeout(1_500)
    const again = await expectedBytes(page, request, client, 'sse')
    const shownAgain = (await raceBytes(page, 'sse')) ?? 0
    expect(
      Math.abs(shownAgain - again.perNewEvent),
      `race ${shownAgain}, /wire ${again.perNewEvent}: all bytes ÷ new events of both times on`
    ).toBeLessThanOrEqual(1)
  })
})
