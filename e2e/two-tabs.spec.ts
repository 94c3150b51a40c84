import type { Page } from '@playwright/test'
import { allTechniques, holdsConnection } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import { classroomOrigin, panel, statOf } from './support.ts'

// Each tab of / holds four responses that never end (long poll, SSE, streaming fetch, forever frame);
// over HTTP/1.1 Chromium opens 6 connections per server for all its tabs together. These run as a
// classroom opens the page: http://classroom.test, not a secure context, where Web Locks do not exist.
const held = allTechniques.filter(holdsConnection).map((technique) => technique.name)

async function openSideBySide(page: Page): Promise<void> {
  await page.goto(`${classroomOrigin}/`)
  await expect(page.locator('body')).toHaveAttribute('data-client', /.+/)
}

/** Polls the page's polling panel made in `ms`, as the server counted them. */
async function pollsIn(page: Page, ms: number): Promise<number> {
  const before = await statOf(page, 'polling', 'requests')
  await page.waitForTimeout(ms)
  return (await statOf(page, 'polling', 'requests')) - before
}

test.describe('two tabs in one browser share its six HTTP/1.1 connections', () => {
  test('the second tab pauses its streams and says why; polling and AJAX answer in both', async ({ page }) => {
    await openSideBySide(page)
    for (const name of held) await expect(panel(page, name)).toHaveAttribute('data-state', /open|waiting/)
    const second = await page.context().newPage()
    await openSideBySide(second)
    expect(await second.evaluate(() => [isSecureContext, 'locks' in navigator])).toEqual([false, false])

    for (const name of held) {
      await expect(panel(second, name)).toHaveAttribute('data-state', 'paused')
      await expect(panel(second, name).locator('.state')).toContainText(
        'already holds 4 of its 6 connections to this server, 4 of them in another tab'
      )
      await expect(second.locator(`[data-lane="${name}"] .lane-paused`)).toContainText('another tab')
    }
    for (const name of held) await expect(panel(page, name)).not.toHaveAttribute('data-state', 'paused')
    // A lane that is not paused keeps its track clear: the notice is not merely empty, it is gone.
    await expect(second.locator('[data-lane="polling"] .lane-paused')).toBeHidden()

    // Polling every second goes on in both tabs, and an Update is answered at once.
    const [firstPolls, secondPolls] = await Promise.all([pollsIn(page, 6_000), pollsIn(second, 6_000)])
    expect(firstPolls).toBeGreaterThanOrEqual(4)
    expect(secondPolls).toBeGreaterThanOrEqual(4)
    const answered = second.waitForResponse((response) => response.url().includes('/feed/ajax'), { timeout: 2_000 })
    await panel(second, 'ajax').getByRole('button', { name: 'Update' }).click()
    expect((await answered).status()).toBe(200)
  })

  test('Take over moves one connection; the stream taken says so and resumes when the other tab closes', async ({
    page
  }) => {
    await openSideBySide(page)
    for (const name of held) await expect(panel(page, name)).toHaveAttribute('data-state', /open|waiting/)
    const second = await page.context().newPage()
    await openSideBySide(second)
    await expect(panel(second, 'sse')).toHaveAttribute('data-state', 'paused')

    await panel(second, 'sse').getByRole('button', { name: 'Take over' }).click()
    await expect(panel(second, 'sse')).toHaveAttribute('data-state', 'open')
    const before = await statOf(second, 'sse', 'events')
    await expect.poll(() => statOf(second, 'sse', 'events')).toBeGreaterThan(before)
    const taken = page.locator('section.panel[data-state="paused"]')
    await expect(taken).toHaveCount(1)
    await expect(taken.locator('.state')).toContainText('Another stream took over this connection')
    await expect(taken.getByRole('button', { name: 'Take back' })).toBeVisible()

    await page.close()
    for (const name of held) await expect(panel(second, name)).toHaveAttribute('data-state', /open|waiting/)
  })

  test('a request the browser queues says so, instead of looking like a slow server', async ({ page }) => {
    await openSideBySide(page)
    for (const name of held) await expect(panel(page, name)).toHaveAttribute('data-state', /open|waiting/)
    // Never-ending responses opened behind the page's back, enough to keep all 6 connections busy.
    await page.evaluate(() => {
      const hog = new AbortController()
      ;(window as unknown as { hog: AbortController }).hog = hog
      for (let i = 0; i < 6; i++) void fetch(`/feed/sse?client=hog-${i}`, { signal: hog.signal }).catch(() => {})
    })
    const polling = panel(page, 'polling')
    await expect(polling).toHaveAttribute('data-queued', 'true', { timeout: 5_000 })
    await expect(polling.locator('.queued')).toContainText('the server has not received this request yet')
    await page.evaluate(() => (window as unknown as { hog: AbortController }).hog.abort())
    await expect(polling).toHaveAttribute('data-queued', 'false')
  })
})
