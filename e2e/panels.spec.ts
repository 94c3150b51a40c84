import { isPulled, techniques } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import {
  asPresenter,
  automaticTechniques,
  defaultTicker,
  openWirewatch,
  panel,
  rowOf,
  setTicker,
  shownIds,
  statOf,
  switchPanel,
  techniqueNames,
  wireOf
} from './support.ts'

test.describe('the panels, one feed', () => {
  test.afterEach(async ({ request }) => setTicker(request, defaultTicker))

  test('every panel shows the same event ids', async ({ page, request }) => {
    await openWirewatch(page)
    await setTicker(request, { paused: true })
    const posted = await request.post('/feed/messages', { data: { text: 'the same everywhere' } })
    expect(posted.status()).toBe(201)
    const { event } = await posted.json()

    for (const name of automaticTechniques) {
      await expect(panel(page, name).locator(`ol.events > li[data-id="${event.id}"]`)).toBeVisible()
    }
    await panel(page, 'ajax').locator('button[name=update]').click()
    await panel(page, 'refresh').locator('button[name=reload]').click()
    await expect.poll(() => shownIds(page, 'ajax')).toContain(event.id)
    await expect.poll(() => shownIds(page, 'refresh')).toContain(event.id)

    // The five events up to the chat (a use-case page left open elsewhere may publish board events after it).
    const upToChat = (ids: number[]) => ids.filter((id) => id <= event.id).slice(0, 5)
    const websocketIds = upToChat(await shownIds(page, 'websocket'))
    expect(websocketIds.length).toBeGreaterThan(1)
    for (const name of techniqueNames) {
      expect(upToChat(await shownIds(page, name)), `${name} lists the same events as websocket`).toEqual(websocketIds)
      await expect(panel(page, name).locator(`ol.events > li[data-id="${event.id}"]`)).toContainText(
        'the same everywhere'
      )
    }
  })

  test('the manual panels change only when clicked', async ({ page, request }) => {
    const client = await openWirewatch(page)
    await expect.poll(() => shownIds(page, 'refresh').then((ids) => ids.length)).toBeGreaterThan(0)
    const refreshBefore = await shownIds(page, 'refresh')
    const ajaxBefore = await shownIds(page, 'ajax')
    const requestsBefore = (await rowOf(request, client, 'ajax')).requests

    // The feed runs at 2 events/s: the automatic panels move, the manual ones must not.
    const websocketBefore = (await shownIds(page, 'websocket'))[0] ?? 0
    await expect.poll(() => shownIds(page, 'websocket').then((ids) => ids[0])).toBeGreaterThan(websocketBefore + 2)
    expect(await shownIds(page, 'refresh')).toEqual(refreshBefore)
    expect(await shownIds(page, 'ajax')).toEqual(ajaxBefore)
    expect((await rowOf(request, client, 'ajax')).requests).toBe(requestsBefore)
    await expect.poll(() => statOf(page, 'ajax', 'unseen')).toBeGreaterThan(2)

    await panel(page, 'ajax').locator('button[name=update]').click()
    await expect.poll(() => shownIds(page, 'ajax').then((ids) => ids[0])).toBeGreaterThan(websocketBefore + 2)
    await expect.poll(async () => (await rowOf(request, client, 'ajax')).requests).toBe(requestsBefore + 1)

    await panel(page, 'refresh').locator('button[name=reload]').click()
    await expect.poll(() => shownIds(page, 'refresh').then((ids) => ids[0])).toBeGreaterThan(websocketBefore + 2)
  })

  test('an open SSE stream shows one connection in use, as /wire counts it, whatever its handshakes', async ({
    page,
    request
  }) => {
    const client = await openWirewatch(page)
    const sse = panel(page, 'sse')
    await expect(sse).toHaveAttribute('data-state', 'open')
    await expect.poll(() => statOf(page, 'sse', 'connections-in-use')).toBe(1)
    await expect.poll(async () => (await rowOf(request, client, 'sse')).openConnections).toBe(1)
    // The stream may reuse a connection the page kept alive: new connections are 0 or 1, never more.
    expect(await statOf(page, 'sse', 'connections-opened')).toBeLessThanOrEqual(1)
  })

  for (const name of automaticTechniques) {
    test(`switching the ${name} panel off stops its traffic`, async ({ page, request }) => {
      const client = await openWirewatch(page)
      await expect.poll(async () => (await rowOf(request, client, name)).events).toBeGreaterThan(0)

      await switchPanel(page, name, false)
      // Streams and WebSockets are closed, not left to time out: wait for the server to see it, or an event
      // written meanwhile would count. A long poll's held request is aborted too, which the still bytes
      // below prove while events go on; the connection an answered poll left idle may stay kept alive
      // (it is charged to its last request until reused or closed), so it is not counted here.
      if (techniques[name].streamed || techniques[name].upgrades)
        await expect.poll(async () => (await rowOf(request, client, name)).openConnections).toBe(0)
      const { latest: latestOff } = await wireOf(request, client)
      const off = await rowOf(request, client, name)
      await page.waitForTimeout(2_500)
      // The feed's arrivals are random: wait, if need be, for it to have gone on.
      await expect
        .poll(async () => (await wireOf(request, client)).latest, {
          message: 'the feed went on while the panel was off'
        })
        .toBeGreaterThan(latestOff)
      const later = await rowOf(request, client, name)
      expect(later.requests).toBe(off.requests)
      expect(later.bytesIn).toBe(off.bytesIn)
      expect(later.bytesOut).toBe(off.bytesOut)

      await switchPanel(page, name, true)
      await expect.poll(async () => (await rowOf(request, client, name)).events).toBeGreaterThan(off.events)
    })
  }
})

test.describe('a panel that asks shows each request’s response time', () => {
  const rttMs = 200
  test.afterEach(async ({ request }) => {
    await request.put('/wire/network', { data: { rttMs: 0 }, headers: asPresenter })
  })

  test('only techniques that ask have it; at a 200 ms round trip, keep-alive off doubles it', async ({
    page,
    request
  }, testInfo) => {
    test.setTimeout(90_000)
    await openWirewatch(page)
    for (const name of techniqueNames)
      await expect(
        panel(page, name).locator('[data-stat="response-time-p50"]'),
        `${name} ${isPulled(techniques[name]) ? 'has' : 'has no'} response time`
      ).toHaveCount(isPulled(techniques[name]) ? 1 : 0)
    const response = await request.put('/wire/network', { data: { rttMs }, headers: asPresenter })
    expect(response.status()).toBe(200)

    // One round trip per poll on the kept connection; the 20 polls kept are all taken under the simulated RTT.
    const polling = panel(page, 'polling')
    await switchPanel(page, 'polling', false)
    await switchPanel(page, 'polling', true)
    await expect
      .poll(() => statOf(page, 'polling', 'response-time-p50'), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(rttMs)
    await page.waitForTimeout(21_000)
    const on = await statOf(page, 'polling', 'response-time-p50')
    expect(on).toBeLessThan(1.5 * rttMs)

    // A handshake before every poll: one more round trip each.
    await polling.locator('input[name=keepalive]').setChecked(false)
    await expect
      .poll(() => statOf(page, 'polling', 'response-time-p50'), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2 * rttMs)
    const off = await statOf(page, 'polling', 'response-time-p50')
    expect(off).toBeLessThan(2.5 * rttMs)
    testInfo.annotations.push({
      type: 'measured',
      description: `response time p50: keep-alive on ${on} ms, off ${off} ms`
    })
    await expect(polling.locator('[data-stat="response-time-p50"]').locator('xpath=../..')).toHaveAttribute(
      'title',
      /fetch\(\)/
    )
  })
})
