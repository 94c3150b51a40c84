import type { Browser, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import {
  automaticTechniques,
  closeOpenedContexts,
  defaultTicker,
  panel,
  presenterToken,
  saveScreenshot,
  setTicker,
  statOf,
  techniqueNames
} from './support.ts'

async function openStudent(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto('/')
  await expect(page.locator('body')).toHaveAttribute('data-client', /.+/)
  return page
}

test.describe('classroom', () => {
  test.afterEach(async ({ browser, request }) => {
    await closeOpenedContexts(browser)
    await setTicker(request, defaultTicker)
    const headers = { authorization: `Bearer ${presenterToken}` }
    await request.put('/classroom', {
      data: { techniques: [...techniqueNames], announcement: '' },
      headers
    })
  })

  test('one presenter drives two students: feed rate, audience, announcement, techniques, the lesson', async ({
    browser
  }, testInfo) => {
    const presenter = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage()
    const errors: string[] = []
    presenter.on('pageerror', (error) => errors.push(error.message))
    await presenter.goto(`/presenter/console#token=${presenterToken}`)
    // The token leaves the address bar at once: it is not projected.
    await expect.poll(() => presenter.url()).not.toContain('token')
    const students = [await openStudent(browser), await openStudent(browser)]

    // Audience: two student pages, both running every technique (the presenter's own page not counted).
    await expect(presenter.locator('#audience-pages')).toHaveText('2', { timeout: 15_000 })
    await expect(presenter.locator('[data-audience="sse"]')).toHaveText('2')
    await expect(presenter.locator('[data-audience="websocket"]')).toHaveText('2')
    // The projector is the teacher's page too: opened in the console's browser, it is not counted.
    const projector = await presenter.context().newPage()
    await projector.goto('/presenter')
    await expect(projector.locator('body')).toHaveAttribute('data-client', /\S/)
    await projector.waitForTimeout(4_500) // two of the console's audience polls (every 2 s)
    await expect(presenter.locator('#audience-pages')).toHaveText('2')
    await projector.close()

    // The feed rate, changed on the presenter, reaches both students.
    await presenter.locator('#feed-rate').fill('5')
    await presenter.locator('#feed-rate').press('Enter')
    for (const student of students)
      await expect(student.locator('#feed-rate-now')).toHaveText('5 events/s on average, random arrivals')
    // And so does its arrival pattern.
    await presenter.locator('#feed-pattern').selectOption('steady')
    for (const student of students) {
      await expect(student.locator('#feed-rate-now')).toHaveText('5 events/s, steady (a metronome)')
      await expect(student.locator('#feed-pattern')).toHaveValue('steady')
    }

    // A student has no token: the controls are disabled, and the API refuses.
    await expect(students[0]?.locator('#feed-rate') ?? presenter.locator('x')).toBeDisabled()
    await expect(students[0]?.locator('#feed-pattern') ?? presenter.locator('x')).toBeDisabled()
    const refused = await students[0]?.request.put('/feed/ticker', { data: { rate: 50 } })
    expect(refused?.status()).toBe(401)
    for (const student of students)
      await expect(student.locator('#feed-rate-now')).toHaveText('5 events/s, steady (a metronome)')

    // An announcement, shown as text.
    await presenter.locator('#announcement-text').fill('<img src=x onerror=alert(1)> Look at the SSE panel')
    await presenter.locator('#announce-form button[type=submit]').click()
    for (const student of students)
      await expect(student.locator('#announcement')).toHaveText('<img src=x onerror=alert(1)> Look at the SSE panel')

    // Only SSE and WebSocket: the other panels are switched off on every student page.
    for (const name of ['refresh', 'ajax', 'polling', 'long-polling'])
      await presenter.locator(`#room-techniques input[value="${name}"]`).uncheck()
    for (const student of students) {
      await expect(panel(student, 'polling').locator('input[name=enabled]')).toBeDisabled()
      await expect(panel(student, 'polling')).toHaveAttribute('data-state', 'closed')
      await expect(panel(student, 'sse').locator('input[name=enabled]')).toBeChecked()
    }
    await expect(presenter.locator('[data-audience="polling"]')).toHaveText('0', { timeout: 15_000 })
    await expect(presenter.locator('[data-audience="sse"]')).toHaveText('2')

    // A student who follows the teacher goes where the presenter goes.
    // Ticking the box takes the page to the teacher's lesson at once (the presenter opened on lesson 1), so the
    // box is read back on the lesson page, after its script has restored it.
    const follower = students[1] as Page
    await follower.locator('#follow-teacher').click()
    await expect(follower).toHaveURL(/\/lessons\/.+/)
    await expect(follower.locator('#follow-teacher')).toBeChecked()
    await presenter.locator('#lesson-select').selectOption({ label: '4. Long polling' })
    await expect(follower).toHaveURL(/\/lessons\/long-polling$/)
    await presenter.locator('#slide-next').click()
    await expect(follower).toHaveURL(/\/lessons\/long-polling#.+/)
    await expect(students[0] as Page).toHaveURL(/\/$/)

    await saveScreenshot(presenter, testInfo, 'presenter-console-classroom')
    expect(errors).toEqual([])
  })

  test('the teacher cuts the network for everyone: pages see it, then get back every event', async ({
    browser,
    request,
    pageErrors
  }) => {
    pageErrors.expect(
      /net::ERR_(INCOMPLETE_CHUNKED_ENCODING|EMPTY_RESPONSE)|WebSocket connection to .* failed/,
      'the cut ends every open response and refuses requests and handshakes until it is over: the browser says so'
    )
    const presenter = await (await browser.newContext()).newPage()
    await presenter.goto(`/presenter/console#token=${presenterToken}`)
    const student = await openStudent(browser)
    await expect(panel(student, 'sse')).toHaveAttribute('data-state', 'open')
    await presenter.locator('#cut-seconds').fill('3')
    await presenter.locator('#cut-network').click()
    await expect(student.locator('#network-cut')).toContainText(/cut the network for everyone: network back in [1-3] s/)
    await expect(panel(student, 'websocket')).toHaveAttribute('data-state', 'closed')
    // Back after the cut: the panels resume from their cursors.
    await expect(panel(student, 'websocket')).toHaveAttribute('data-state', 'open', { timeout: 15_000 })
    const latest = Number(await student.locator('#feed-latest').textContent())
    for (const name of automaticTechniques)
      await expect
        .poll(async () => Number(await panel(student, name).locator('[data-stat="unseen"]').textContent()), {
          timeout: 15_000
        })
        .toBeLessThanOrEqual(2)
    expect(latest).toBeGreaterThan(0)
    // Through the cut, every event arrived once: nothing skipped, nothing repeated.
    for (const name of automaticTechniques) {
      expect(await statOf(student, name, 'events'), `${name} received events`).toBeGreaterThan(0)
      expect(await statOf(student, name, 'gaps'), `${name} gaps`).toBe(0)
      expect(await statOf(student, name, 'duplicates'), `${name} duplicates`).toBe(0)
    }
    const state = await (await request.get('/classroom')).json()
    expect(state.networkCutUntil).toBeLessThan(Date.now())
  })
})
