import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { firstLanAddress, qrCodeSvg } from '../src/server/classroom/student-url.ts'
import type { StudentUrl } from '../src/shared/classroom.ts'
import { expect, test } from './fixtures.ts'
import { asPresenter, closeOpenedContexts, presenterToken, saveScreenshot, techniqueNames } from './support.ts'

// Lesson 3's question, put to the room on the slide before its demo.
const question = 'polling/1'
const questionPage = '/lessons/polling#predict-1'
const slide = { lesson: 'polling', section: 'persistent-connections-on-and-off', slide: 0 }

/** Sets the phase of the room's question as the console does (`PUT /classroom/prediction`, token). */
async function setPhase(page: Page, phase: 'open' | 'closed' | 'revealed'): Promise<void> {
  const response = await page.request.put('/classroom/prediction', { data: { question, phase }, headers: asPresenter })
  expect(response.status()).toBe(200)
}

async function openProjector(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage()
  await page.goto(`/presenter#token=${presenterToken}`)
  await expect(page.locator('#stage > [data-slide]')).toHaveCount(1)
  return page
}

/** A student's page in its own browser, as a phone or a laptop in the room. */
async function openStudent(browser: Browser, path: string, viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage()
  await page.goto(path)
  await expect(page.locator('body')).toHaveAttribute('data-client', /.+/)
  return page
}

const questionLink = (page: Page) =>
  page.locator('#classroom-banner').getByRole('link', { name: 'Answer the teacher’s question' })

test.describe('while answers are open, the room is told where to answer', () => {
  test.beforeEach(async ({ request }) => {
    const moved = await request.put('/classroom', { data: { ...slide, blank: false }, headers: asPresenter })
    expect(moved.status()).toBe(200)
  })
  test.afterEach(async ({ browser, request }) => {
    await closeOpenedContexts(browser)
    await request.delete('/classroom/prediction', { headers: asPresenter })
    await request.put('/classroom', {
      data: { lesson: 'real-time-web', section: '', slide: 0, techniques: [...techniqueNames], announcement: '' },
      headers: asPresenter
    })
  })

  test('the projector shows the students’ address and its QR code beside the open question, readable from the back, and not once answers close', async ({
    browser,
    request
  }, testInfo) => {
    const { url } = (await (await request.get('/classroom/student-url')).json()) as StudentUrl
    // Where a LAN address exists, phones are shown it, never this machine's loopback address.
    const lan = firstLanAddress()
    if (lan) expect(new URL(url).hostname).toBe(lan)

    const projector = await openProjector(browser, { width: 1920, height: 1080 })
    const join = projector.locator('#stage .prediction-join')
    await expect(join).toHaveCount(0)
    await setPhase(projector, 'open')
    await expect(projector.locator('#stage > [data-slide]')).toHaveAttribute('data-slide', `prediction/${question}`)
    await expect(join.locator('.join-url')).toHaveText(url)
    const qr = join.locator('img.join-qr')
    await expect(qr).toHaveAttribute('alt', `QR code of ${url}`)
    // The code the projector shows is the one of that address.
    const served = await qr.evaluate(async (img) => (await fetch((img as HTMLImageElement).src)).text())
    expect(served).toBe(await qrCodeSvg(url))
    await expect.poll(() => qr.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)

    /** Readable from the back at any projector size: the code at least a third of the screen's height, the
     *  address in letters a quarter larger than slide text (1em is the height / 33.75), all inside the slide. */
    const expectReadable = async (height: number) => {
      const sizes = await join.evaluate((panel) => {
        const canvas = panel.closest('.slide-canvas')?.getBoundingClientRect()
        const box = panel.getBoundingClientRect()
        return {
          qr: panel.querySelector('.join-qr')?.getBoundingClientRect().height ?? 0,
          url: Number.parseFloat(getComputedStyle(panel.querySelector('.join-url') ?? panel).fontSize),
          fits: canvas !== undefined && box.bottom <= canvas.bottom && box.right <= canvas.right
        }
      })
      expect(sizes.qr).toBeGreaterThanOrEqual(height / 3)
      expect(sizes.url).toBeGreaterThanOrEqual((1.25 * height) / 33.75)
      expect(sizes.fits).toBe(true)
    }
    await expectReadable(1080)
    await saveScreenshot(projector, testInfo, 'projector-open-question-1920-light')
    await projector.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(projector, testInfo, 'projector-open-question-1920-dark')
    // The same layout at 1280x720, scaled with the slide.
    await projector.setViewportSize({ width: 1280, height: 720 })
    await expectReadable(720)
    await saveScreenshot(projector, testInfo, 'projector-open-question-1280-dark')
    await projector.emulateMedia({ colorScheme: 'light' })
    await saveScreenshot(projector, testInfo, 'projector-open-question-1280-light')
    const axe = await new AxeBuilder({ page: projector }).analyze()
    expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes[0]?.target}`)).toEqual([])

    // Closed: the slide and its demo are back, and nothing says where to answer.
    await setPhase(projector, 'closed')
    await expect(projector.locator('#stage > [data-slide]')).toHaveAttribute('data-slide', /^polling\//)
    await expect(projector.locator('.prediction-join, .join-qr')).toHaveCount(0)
    // Revealed: the answers take the screen, still without the address.
    await setPhase(projector, 'revealed')
    await expect(projector.locator('#stage .prediction-reveal')).toBeVisible()
    await expect(projector.locator('.prediction-join, .join-qr')).toHaveCount(0)
    // The projector is not a student page: its banner never links to the question.
    await expect(projector.locator('.question-link')).toHaveCount(0)
  })

  test('every kind of student page links to the open question from its banner, and the link goes away when answers close', async ({
    browser
  }, testInfo) => {
    const paths = [
      '/',
      '/lessons/',
      '/lessons/server-sent-events',
      '/lessons/polling',
      '/use-cases/chat',
      '/use-cases/progress',
      '/use-cases/game'
    ]
    // Open before the question is: each page hears it on its live channel.
    const pages = await Promise.all(paths.map((path) => openStudent(browser, path)))
    for (const page of pages) await expect(page.locator('#classroom-banner')).toBeHidden()
    await setPhase(pages[0] as Page, 'open')
    for (const [i, page] of pages.entries()) {
      await expect(questionLink(page), paths[i]).toBeVisible()
      await expect(questionLink(page), paths[i]).toHaveAttribute('href', questionPage)
    }
    // A page opened while answers are open shows it from the first state it hears.
    const late = await openStudent(browser, '/use-cases/chat', { width: 375, height: 800 })
    await expect(questionLink(late)).toBeVisible()

    // On a phone the banner takes its own place above the page (it covers none of it) and no more
    // than a quarter of the screen; nothing is wider than the screen.
    const layout = await late.evaluate(() => {
      const banner = document.querySelector('#classroom-banner')?.getBoundingClientRect()
      const next = document.querySelector('.site-header')?.getBoundingClientRect()
      return {
        height: banner?.height ?? 0,
        gap: (next?.top ?? 0) - (banner?.bottom ?? 0),
        overflow: document.documentElement.scrollWidth - innerWidth
      }
    })
    expect(layout.height).toBeLessThanOrEqual(800 / 4)
    expect(layout.gap).toBeGreaterThanOrEqual(0)
    expect(layout.overflow).toBeLessThanOrEqual(1)
    const linkHeight = await questionLink(late).evaluate((link) => link.getBoundingClientRect().height)
    expect(linkHeight).toBeGreaterThanOrEqual(44)
    await saveScreenshot(late, testInfo, 'student-banner-chat-375-light')
    await late.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(late, testInfo, 'student-banner-chat-375-dark')
    const side = pages[0] as Page
    await saveScreenshot(side, testInfo, 'student-banner-side-by-side-1280-light')
    await side.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(side, testInfo, 'student-banner-side-by-side-1280-dark')
    await side.setViewportSize({ width: 375, height: 800 })
    await saveScreenshot(side, testInfo, 'student-banner-side-by-side-375-dark')
    await side.emulateMedia({ colorScheme: 'light' })
    await saveScreenshot(side, testInfo, 'student-banner-side-by-side-375-light')
    for (const page of [late, side]) {
      const axe = await new AxeBuilder({ page }).include('#classroom-banner').analyze()
      expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes[0]?.target}`)).toEqual([])
    }

    // The link works from a use case and from another lesson: the question, in view, under the banner.
    for (const page of [late, pages[2] as Page]) {
      await questionLink(page).click()
      await expect(page).toHaveURL(/\/lessons\/polling#predict-1$/)
      const aside = page.locator(`aside.predict#predict-1[data-predict="${question}"]`)
      await expect(aside).toBeInViewport()
      await expect(aside.locator('.predict-status')).toHaveText(
        'The teacher is collecting predictions for this question: commit yours.'
      )
      const clear = await page.evaluate(() => {
        const banner = document.querySelector('#classroom-banner')?.getBoundingClientRect()
        const title = document.querySelector('#predict-1 .predict-title')?.getBoundingClientRect()
        return (title?.top ?? 0) >= (banner?.bottom ?? Number.POSITIVE_INFINITY) - 0.5
      })
      expect(clear).toBe(true)
    }
    await saveScreenshot(late, testInfo, 'student-question-from-banner-375-dark')

    await setPhase(pages[0] as Page, 'closed')
    for (const [i, page] of [...pages, late].entries()) {
      await expect(questionLink(page), paths[i] ?? 'late').toHaveCount(0)
      await expect(page.locator('#classroom-banner'), paths[i] ?? 'late').toBeHidden()
    }
    // Revealed is not open either: students see the answers on the question's page, no banner calls them.
    await setPhase(pages[0] as Page, 'revealed')
    await expect((pages[4] as Page).locator('#classroom-banner')).toBeHidden()
  })
})
