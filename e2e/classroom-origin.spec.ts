import { expect, test } from './fixtures.ts'
import { automaticTechniques, classroomOrigin, panel, presenterToken } from './support.ts'

// A classroom opens wirewatch at http://<LAN address>: not a secure context, so no Web Locks, no
// crypto.subtle, and headers such as Cross-Origin-Opener-Policy are ignored with a console error
// if sent. Every class-facing page must work there, and say nothing in the console (the fixture fails
// the test on any console error).
const pages: { path: string; ready: string }[] = [
  { path: '/', ready: 'section.panel#sse[data-state="open"]' },
  { path: '/lessons/', ready: 'main' },
  { path: '/lessons/server-sent-events', ready: 'main.lesson' },
  { path: '/use-cases/chat?technique=sse', ready: '#technique' },
  { path: '/use-cases/progress?technique=long-polling', ready: '#technique' },
  { path: '/use-cases/game?technique=websocket', ready: '#technique' },
  { path: `/presenter#token=${presenterToken}`, ready: 'body' },
  { path: `/presenter/console#token=${presenterToken}`, ready: 'body' }
]

test.describe('as a classroom opens it: plain http, not a secure context', () => {
  for (const { path, ready } of pages)
    test(`${path.split('#')[0]} works and logs no error`, async ({ page }) => {
      await page.goto(`${classroomOrigin}${path}`)
      expect(await page.evaluate(() => isSecureContext)).toBe(false)
      await expect(page.locator(ready).first()).toBeVisible()
      await page.waitForTimeout(1_500)
    })

  test('/ gets the feed by every technique that runs by itself', async ({ page }) => {
    await page.goto(`${classroomOrigin}/`)
    for (const name of automaticTechniques)
      await expect
        .poll(async () => Number(await panel(page, name).locator('[data-stat="events"]').textContent()))
        .toBeGreaterThan(0)
  })
})
