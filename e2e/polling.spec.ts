import { expect, test } from './fixtures.ts'
import { openWirewatch, panel, rowOf, switchPanel, techniqueNames } from './support.ts'

test.describe('interval polling', () => {
  test('with keep-alive off, every poll opens a new TCP connection', async ({ page, request }) => {
    const client = await openWirewatch(page)
    // Alone on the page, so no other request can hand the poll an idle pooled connection.
    for (const name of techniqueNames) if (name !== 'polling') await switchPanel(page, name, false)
    const polling = panel(page, 'polling')
    await polling.locator('input[name=interval]').fill('300')
    await polling.locator('input[name=interval]').press('Enter')
    await polling.locator('input[type=checkbox][name=keepalive]').setChecked(false)

    // Let the idle connections left from loading the page be used up (and closed) first.
    const start = await rowOf(request, client, 'polling')
    await expect
      .poll(async () => (await rowOf(request, client, 'polling')).requests)
      .toBeGreaterThan(start.requests + 8)
    const before = await rowOf(request, client, 'polling')
    await expect
      .poll(async () => (await rowOf(request, client, 'polling')).requests)
      .toBeGreaterThan(before.requests + 8)
    const after = await rowOf(request, client, 'polling')

    const polls = after.requests - before.requests
    expect(after.connectionsOpened - before.connectionsOpened).toBe(polls)
  })

  test('with keep-alive on, polls reuse one connection', async ({ page, request }) => {
    const client = await openWirewatch(page)
    for (const name of techniqueNames) if (name !== 'polling') await switchPanel(page, name, false)
    const polling = panel(page, 'polling')
    await polling.locator('input[name=interval]').fill('300')
    await polling.locator('input[name=interval]').press('Enter')

    const before = await rowOf(request, client, 'polling')
    await expect
      .poll(async () => (await rowOf(request, client, 'polling')).requests)
      .toBeGreaterThan(before.requests + 8)
    const after = await rowOf(request, client, 'polling')
    expect(after.connectionsOpened - before.connectionsOpened).toBeLessThanOrEqual(1)
  })
})
