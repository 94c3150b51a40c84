import type { Browser, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { closeOpenedContexts } from './support.ts'

const techniques = ['polling', 'sse', 'websocket'] as const

async function open(browser: Browser, path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(path)
  await expect(page.locator('body')).toHaveAttribute('data-client', /.+/)
  return page
}

test.describe('use cases', () => {
  test.afterEach(async ({ browser }) => closeOpenedContexts(browser))

  test('progress bar: a job run partly in a background tab says how long the tab was hidden', async ({ browser }) => {
    const page = await open(browser, '/use-cases/progress?technique=sse')
    await expect(page.locator('#job-technique .state-name')).toHaveText(/open|waiting|idle/)
    await page.locator('#job-start').click()
    await expect(page.locator('#job-received')).not.toHaveText('0')
    // Headless Chromium cannot put a tab in the background: the page is told it is hidden, then visible again.
    const setVisibility = (state: 'hidden' | 'visible') =>
      page.evaluate((visibility) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility })
        document.dispatchEvent(new Event('visibilitychange'))
      }, state)
    await setVisibility('hidden')
    await page.waitForTimeout(1_000)
    await setVisibility('visible')
    await expect(page.locator('#job-background')).toHaveText(
      /^this tab was in the background for (0\.9|1\.\d) s of the job: browsers draw nothing there$/
    )
    const finished = page.locator('#job-history li')
    await expect(finished).toHaveCount(1, { timeout: 15_000 })
    await expect(finished).toContainText(' — this tab was in the background for ')
    expect(Number(await finished.getAttribute('data-hidden-ms'))).toBeGreaterThanOrEqual(900)
    // A job run in plain sight says nothing of the kind.
    await page.locator('#job-start').click()
    await expect(page.locator('#job-history li')).toHaveCount(2, { timeout: 15_000 })
    await expect(page.locator('#job-background')).toBeEmpty()
    await expect(page.locator('#job-history li').first()).toHaveAttribute('data-hidden-ms', '0')
  })

  test('shared board: two tabs of one browser get different default names, the typed one with a tag of each page', async ({
    browser
  }) => {
    const context = await browser.newContext()
    const first = await context.newPage()
    const second = await context.newPage()
    for (const page of [first, second]) await page.goto('/use-cases/game?technique=websocket')
    const [one, two] = [
      await first.locator('#player-name').inputValue(),
      await second.locator('#player-name').inputValue()
    ]
    expect(one).toMatch(/^player \S{4}$/)
    expect(two).toMatch(/^player \S{4}$/)
    expect(one).not.toBe(two)
    await first.locator('#player-name').fill('Ann')
    await first.locator('#player-name').press('Tab')
    const third = await context.newPage()
    await third.goto('/use-cases/game?technique=websocket')
    await expect(third.locator('#player-name')).toHaveValue(/^Ann \S{4}$/)
  })
  for (const technique of techniques) {
    test(`chat over ${technique}: a message reaches another reader, as text`, async ({ browser }) => {
      const writer = await open(browser, `/use-cases/chat?technique=${technique}`)
      const reader = await open(browser, `/use-cases/chat?technique=${technique}`)
      await expect(writer.locator('#chat-technique .state-name')).toHaveText(/open|waiting|idle/)
      const text = `<b>hi</b> over ${technique} ${Date.now()}`
      await writer.locator('#chat-name').fill('Ann')
      await writer.locator('#chat-text').fill(text)
      await writer.locator('#chat-form button[type=submit]').click()
      for (const page of [writer, reader]) {
        const line = page.locator('#chat-log li').filter({ hasText: text })
        await expect(line.locator('.who')).toHaveText('Ann')
        await expect(line.locator('.text')).toHaveText(text)
        await expect(line.locator('b')).toHaveCount(0)
      }
    })

    test(`progress bar over ${technique}: counts the screen updates drawn, from 0 %`, async ({ browser }, testInfo) => {
      const page = await open(browser, `/use-cases/progress?technique=${technique}`)
      await expect(page.locator('#job-technique .state-name')).toHaveText(/open|waiting|idle/)
      await page.locator('#job-start').click()
      await expect(page.locator('#job-percent')).toHaveText('100 %', { timeout: 15_000 })
      const finished = page.locator('#job-history li')
      await expect(finished).toHaveCount(1)
      const figure = async (name: string) => Number(await finished.getAttribute(`data-${name}`))
      const updates = await figure('updates')
      testInfo.annotations.push({ type: 'measured', description: (await finished.textContent()) ?? '' })
      // Every event reaches the page, the 0 % one too: the page knew its job's key before it sent the POST.
      expect(await figure('received')).toBe(51)
      await expect(page.locator('#job-received')).toHaveText('51')
      await expect(page.locator('#job-updates')).toHaveText(String(updates))
      if (technique === 'polling') {
        // Polling once a second brings about ten steps a time: each batch is one update, one big jump.
        expect(updates).toBeLessThanOrEqual(12)
        expect(await figure('jump')).toBeGreaterThanOrEqual(10)
      } else {
        // Pushed steps come 100 ms apart, one a frame: all 51 are drawn unless a slow frame merged a few.
        expect(updates).toBeGreaterThanOrEqual(45)
        expect(await figure('first')).toBe(0)
        await expect(finished).toContainText(`${updates} screen updates drawn (the first at 0 %)`)
      }
    })

    test(`shared board over ${technique}: two players see each other move`, async ({ browser }) => {
      const [ann, bob] = [
        await open(browser, `/use-cases/game?technique=${technique}`),
        await open(browser, `/use-cases/game?technique=${technique}`)
      ]
      const name = `Ann-${technique}`
      await ann.locator('#player-name').fill(name)
      await ann.locator('#player-name').press('Tab')
      await ann.locator('#board').focus()
      for (let i = 0; i < 5; i++) await ann.keyboard.press('ArrowRight')
      await expect(bob.locator('#players li').filter({ hasText: name })).toHaveCount(1, { timeout: 10_000 })
      await expect(ann.locator('#players li').filter({ hasText: '(you)' })).toHaveCount(1)
    })
  }
})
