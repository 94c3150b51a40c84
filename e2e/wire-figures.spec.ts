import { expect, test } from './fixtures.ts'
import { openWirewatch, statOf, switchPanel, techniqueNames, wireOf } from './support.ts'

test.describe('measured figures', () => {
  test('each panel shows exactly what /wire reports for its client', async ({ page, request }) => {
    const client = await openWirewatch(page)
    await expect.poll(async () => (await wireOf(request, client)).techniques.websocket.events).toBeGreaterThan(2)
    await page.locator('section.panel#ajax button[name=update]').click()
    for (const name of techniqueNames) await switchPanel(page, name, false)

    // With every panel off the counters stand still; give the display one refresh to catch up.
    await expect
      .poll(async () => {
        const report = await wireOf(request, client)
        const mismatches: string[] = []
        for (const name of techniqueNames) {
          const row = report.techniques[name]
          const expected: Record<string, number> = {
            requests: row.requests,
            'bytes-in': row.bytesIn,
            'bytes-out': row.bytesOut,
            'connections-in-use': row.openConnections,
            'connections-opened': row.connectionsOpened,
            'empty-responses': row.emptyResponses
          }
          for (const [key, value] of Object.entries(expected)) {
            const shown = await statOf(page, name, key)
            if (shown !== value) mismatches.push(`${name} ${key}: page ${shown}, /wire ${value}`)
          }
        }
        return mismatches
      })
      .toEqual([])

    const report = await wireOf(request, client)
    for (const name of techniqueNames) expect(report.techniques[name].requests, name).toBeGreaterThan(0)
  })

  test('the page says how each figure is measured', async ({ page }) => {
    await openWirewatch(page)
    await expect(page.getByText(/socket/i).first()).toBeVisible()
    await expect(page.getByText(/clock offset/i).first()).toBeVisible()
  })
})
