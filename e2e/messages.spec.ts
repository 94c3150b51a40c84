import { expect, test } from '@playwright/test'
import { automaticTechniques, openWirewatch, panel, wireOf } from './support.ts'

const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'

test.describe('chat messages', () => {
  for (const via of ['post', 'websocket'] as const) {
    test(`a message sent by ${via} reaches every live panel as plain text, with its cost`, async ({
      page,
      request
    }) => {
      const client = await openWirewatch(page)
      await expect(panel(page, 'websocket')).toHaveAttribute('data-state', 'open')
      const before = await wireOf(request, client)
      const text = `${via} says ${hostile}`

      await page.locator('#message-via').selectOption(via)
      await page.locator('#message-text').fill(text)
      await page.locator('#message-form').getByRole('button').click()

      for (const name of automaticTechniques) {
        await expect(panel(page, name).locator('ol.events > li').filter({ hasText: text })).toHaveCount(1)
      }
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
      await expect(page.locator('ol.events img')).toHaveCount(0)
      await expect(page.locator('#message-cost')).toContainText(/\d+/)

      const after = await wireOf(request, client)
      if (via === 'post') expect(after.other.messages.requests).toBe(before.other.messages.requests + 1)
      else expect(after.techniques.websocket.bytesIn).toBeGreaterThan(before.techniques.websocket.bytesIn)
    })
  }
})
