import type { Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { closeOpenedContexts, defaultTicker, openWirewatch, panel, setTicker, techniqueNames } from './support.ts'

/** Student text built to run script if it ever reached the page as HTML. */
const payloads = [
  '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
  '</script><script>window.__xss=(window.__xss||0)+1</script>',
  '<a href="javascript:window.__xss=(window.__xss||0)+1">click me</a>',
  '<svg onload="window.__xss=(window.__xss||0)+1"></svg>'
]
const hostileName = '<svg onload=alert(1)>'

/** Records, before any page script runs, every CSP violation and every dialog the page tries. */
async function watch(page: Page): Promise<{ dialogs: string[] }> {
  const dialogs: string[] = []
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.message())
    await dialog.dismiss()
  })
  await page.addInitScript(() => {
    const violations: string[] = []
    Object.assign(window, { __cspViolations: violations })
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective))
  })
  return { dialogs }
}

/** Nothing ran, nothing was blocked (our own pages need no exception to the policy), no element was injected. */
async function expectNoScriptRan(page: Page, dialogs: string[]): Promise<void> {
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined()
  expect(await page.evaluate(() => (window as { __cspViolations?: string[] }).__cspViolations)).toEqual([])
  expect(dialogs).toEqual([])
  await expect(page.locator('img[src="x"], svg[onload], a[href^="javascript:"]')).toHaveCount(0)
}

test.describe('student text is never HTML', () => {
  test.afterEach(async ({ browser, request }) => {
    await closeOpenedContexts(browser)
    await setTicker(request, defaultTicker)
  })
  test('pages answer with a strict Content-Security-Policy that still allows plain http on a LAN', async ({
    request
  }) => {
    for (const path of ['/', '/lessons/websocket', '/presenter', '/use-cases/chat', '/feed/refresh']) {
      const policy = (await request.get(path)).headers()['content-security-policy'] ?? ''
      expect(policy, path).toContain("script-src 'self'")
      expect(policy, path).toContain("style-src 'self'")
      expect(policy, path).toContain("object-src 'none'")
      expect(policy, path).not.toContain('unsafe-inline')
      expect(policy, path).not.toContain('upgrade-insecure-requests')
    }
  })

  test('chat and names with script in them show as text in every panel, the refresh page, a lesson demo and the chat room', async ({
    browser,
    request
  }) => {
    const side = await (await browser.newContext()).newPage()
    const sideWatch = await watch(side)
    await openWirewatch(side, { asTeacher: false })
    const chat = await (await browser.newContext()).newPage()
    const chatWatch = await watch(chat)
    await chat.goto('/use-cases/chat?technique=websocket')
    await expect(chat.locator('#chat-technique .state-name')).toHaveText('open')
    const lesson = await (await browser.newContext()).newPage()
    const lessonWatch = await watch(lesson)
    await lesson.goto('/lessons/websocket')
    // The demo waits for a prediction: this reader skips it.
    await lesson.locator('aside.predict button[name=skip]').first().click()
    const demo = lesson.locator('.demo .panel').first()
    await demo.locator('input[name=enabled]').check()
    await expect(demo).toHaveAttribute('data-state', 'open')

    // Quiet feed: the panels list their newest 10 events, and the payloads must be among them.
    await setTicker(request, { paused: true })
    for (const text of payloads) {
      const posted = await request.post('/feed/messages?client=xss-test', { data: { text, name: hostileName } })
      expect(posted.status()).toBe(201)
    }
    const last = payloads.at(-1) ?? ''

    // The side-by-side page: the four live panels, then the two manual ones on click.
    await panel(side, 'ajax').locator('button[name=update]').click()
    await panel(side, 'refresh').locator('button[name=reload]').click()
    for (const name of techniqueNames)
      await expect(panel(side, name).locator('ol.events'), name).toContainText(`${hostileName}: ${last}`)
    // The refresh panel's page itself, as the server rendered it, inside its frame.
    const frame = side.frameLocator(`#refresh iframe`)
    await expect(frame.locator('tbody')).toContainText(last)
    await expect(frame.locator('img, script, svg, a[href^="javascript:"]')).toHaveCount(0)

    await expect(chat.locator('#chat-log')).toContainText(last)
    await expect(chat.locator('#chat-log .who').first()).toHaveText(hostileName)
    await expect(demo.locator('ol.events')).toContainText(last)

    // The refresh technique's page opened on its own.
    const refreshPage = await (await browser.newContext()).newPage()
    const refreshWatch = await watch(refreshPage)
    await refreshPage.goto('/feed/refresh')
    await expect(refreshPage.locator('tbody')).toContainText(payloads[0] ?? '')

    await expectNoScriptRan(side, sideWatch.dialogs)
    await expectNoScriptRan(chat, chatWatch.dialogs)
    await expectNoScriptRan(lesson, lessonWatch.dialogs)
    await expectNoScriptRan(refreshPage, refreshWatch.dialogs)
  })
})
