import { expect, test } from './fixtures.ts'
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

test.describe('a request that fails says so where it was asked', () => {
  test('a chat POST and a feed change that never reach the server say why, beside their controls', async ({
    page,
    pageErrors
  }) => {
    pageErrors.expect(/net::ERR_FAILED/, 'the test makes the browser fail these two requests')
    await openWirewatch(page)
    // The network fails these two requests in this browser, as it does when the server stops or the Wi-Fi drops.
    await page.route('**/feed/messages?*', (route) => route.abort('failed'))
    await page.route('**/feed/ticker?*', (route) => route.abort('failed'))

    await page.locator('#message-via').selectOption('post')
    await page.locator('#message-text').fill('hello')
    await page.locator('#message-form').getByRole('button').click()
    await expect(page.locator('#message-cost')).toHaveText(/^Not sent: the server could not be reached/)
    await expect(page.locator('#message-text')).toHaveValue('hello')

    await page.locator('#feed-pause').click()
    await expect(page.locator('.feed-controls .refusal')).toHaveText(/^Not changed: the server could not be reached/)
    await expect(page.locator('#feed-pause')).toHaveText('Pause feed')
  })
})
