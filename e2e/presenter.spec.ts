import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { legibilityOf } from './legibility.ts'
import { asPresenter, closeOpenedContexts, presenterToken, saveScreenshot, techniqueNames } from './support.ts'

/** What the projector shows now: its one slide on the stage. */
const onStage = (projector: Page) => projector.locator('#stage > [data-slide]')

async function openProjector(
  browser: Browser,
  viewport = { width: 1280, height: 720 },
  colorScheme: 'light' | 'dark' = 'light'
) {
  const page = await (await browser.newContext({ viewport, colorScheme })).newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`/presenter#token=${presenterToken}`)
  await expect(onStage(page)).toHaveCount(1)
  return { page, errors }
}

async function openConsole(browser: Browser, colorScheme: 'light' | 'dark' = 'light') {
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme })).newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(`/presenter/console#token=${presenterToken}`)
  await expect(page.locator('#preview-current [data-slide]')).toHaveCount(1)
  return { page, errors }
}

/** The slides of the lesson on the console, in order, as their `data-slide` keys. */
async function slideKeys(page: Page, scope = '.console-overview'): Promise<string[]> {
  return page
    .locator(`${scope} .overview-slide [data-slide]`)
    .evaluateAll((canvases) => canvases.map((canvas) => (canvas as HTMLElement).dataset.slide ?? ''))
}

/** Puts a slide on the projector the way the console does: `PUT /classroom` with its lesson, section and page. */
async function putSlide(page: Page, key: string): Promise<void> {
  const [lesson, section, slide] = key.split('/')
  const response = await page.request.put('/classroom', {
    data: { lesson, section, slide: Number(slide), blank: false },
    headers: asPresenter
  })
  expect(response.status()).toBe(200)
}

test.describe('presenter: projector and console', () => {
  test.afterEach(async ({ browser, request }) => {
    await closeOpenedContexts(browser)
    await request.delete('/classroom/prediction', { headers: asPresenter })
    await request.put('/classroom', {
      data: {
        lesson: 'real-time-web',
        section: '',
        slide: 0,
        blank: false,
        techniques: [...techniqueNames],
        announcement: ''
      },
      headers: asPresenter
    })
  })

  test('the projector follows the console; keys work after a click in either window; B blanks; Escape shows the overview', async ({
    browser
  }) => {
    const projector = await openProjector(browser)
    const console = await openConsole(browser)
    await console.page.locator('#lesson-select').selectOption('polling')
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', 'polling//0')
    const keys = await slideKeys(console.page)
    expect(keys.length).toBeGreaterThan(5)
    // The projector shows only the slide: no site navigation, no controls.
    await expect(projector.page.locator('nav, .site-header, #lesson-select')).toHaveCount(0)

    // A click on a button, then the clicker's keys: the focus went back to the page, the keys still move the room.
    await console.page.locator('#slide-next').click()
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys[1] ?? '')
    for (const [key, index] of [
      ['ArrowRight', 2],
      ['PageDown', 3],
      [' ', 4],
      ['ArrowDown', 5],
      ['ArrowLeft', 4],
      ['PageUp', 3],
      ['ArrowUp', 2]
    ] as const) {
      await console.page.keyboard.press(key)
      await expect(onStage(projector.page), key).toHaveAttribute('data-slide', keys[index] ?? '')
    }
    // After ticking a box of the room's controls too.
    const box = console.page.locator('#room-techniques input[value="sse"]')
    await box.uncheck()
    await box.check()
    await console.page.keyboard.press('ArrowRight')
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys[3] ?? '')
    // Home and End: the lesson's first and last slides.
    await console.page.keyboard.press('End')
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys.at(-1) ?? '')
    await console.page.keyboard.press('Home')
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys[0] ?? '')
    // The console shows the slide after the current one.
    await expect(console.page.locator('#preview-next [data-slide]')).toHaveAttribute('data-slide', keys[1] ?? '')

    // Keys on the projector move the room too, and the console follows.
    await projector.page.keyboard.press('ArrowRight')
    await expect(console.page.locator('#preview-current [data-slide]')).toHaveAttribute('data-slide', keys[1] ?? '')

    // B blanks the projector, from either window; `.` too.
    await console.page.keyboard.press('b')
    await expect(projector.page.locator('#blank-screen')).toBeVisible()
    await expect(console.page.locator('#slide-position')).toContainText('BLANK')
    await projector.page.keyboard.press('.')
    await expect(projector.page.locator('#blank-screen')).toBeHidden()

    // Escape: every slide of the lesson; a click goes there.
    await projector.page.keyboard.press('Escape')
    const overview = projector.page.locator('[data-overview]')
    await expect(overview).toBeVisible()
    await expect(overview.locator('.overview-slide')).toHaveCount(keys.length)
    await overview.locator('.overview-slide').nth(4).click()
    await expect(overview).toBeHidden()
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys[4] ?? '')
    await console.page.keyboard.press('Escape')
    await expect(console.page.locator('[data-overview]')).toBeVisible()
    await console.page.keyboard.press('Escape')
    await expect(console.page.locator('[data-overview]')).toBeHidden()

    // Typing an announcement is not navigation.
    await console.page.locator('#announcement-text').fill('B is for blank, not here')
    await console.page.locator('#announcement-text').press('ArrowLeft')
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', keys[4] ?? '')
    expect([...projector.errors, ...console.errors]).toEqual([])
  })

  test('every slide of every lesson fits a 1280x720 projector, without scrolling', async ({ browser }) => {
    test.setTimeout(240_000)
    const projector = await openProjector(browser)
    const lessons = (await (await projector.page.request.get('/lessons.json')).json()).lessons as { slug: string }[]
    let largest = { key: '', height: 0 }
    let slides = 0
    for (const { slug } of lessons) {
      await putSlide(projector.page, `${slug}//0`)
      await expect(onStage(projector.page)).toHaveAttribute('data-slide', `${slug}//0`)
      const keys = await slideKeys(projector.page, '[data-overview]')
      for (const key of keys) {
        await putSlide(projector.page, key)
        const slide = onStage(projector.page)
        await expect(slide).toHaveAttribute('data-slide', key)
        const fit = await slide.evaluate((canvas) => {
          const body = canvas.querySelector('.slide-body') as HTMLElement
          const rect = canvas.getBoundingClientRect()
          const bodyTop = body.getBoundingClientRect().top
          const bottoms = [...body.querySelectorAll('*')].map((element) => element.getBoundingClientRect().bottom)
          return {
            scroll: [
              canvas.scrollHeight,
              canvas.clientHeight,
              body.scrollHeight,
              body.clientHeight,
              canvas.scrollWidth,
              canvas.clientWidth
            ],
            inside:
              rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight + 0.5 && rect.right <= innerWidth + 0.5,
            content: Math.max(0, ...bottoms) - bodyTop,
            room: body.clientHeight,
            page: [document.documentElement.scrollHeight, innerHeight]
          }
        })
        const [canvasScroll, canvasBox, bodyScroll, bodyBox, canvasWide, canvasWidth] = fit.scroll
        expect(canvasScroll, `${key} scrolls`).toBeLessThanOrEqual(canvasBox ?? 0)
        expect(bodyScroll, `${key} overflows its body`).toBeLessThanOrEqual(bodyBox ?? 0)
        expect(canvasWide, `${key} is too wide`).toBeLessThanOrEqual(canvasWidth ?? 0)
        expect(fit.content, `${key}: its content ends below the slide`).toBeLessThanOrEqual(fit.room + 1)
        expect(fit.inside, `${key} is inside the viewport`).toBe(true)
        expect(fit.page[0], `${key}: the page scrolls`).toBeLessThanOrEqual(fit.page[1] ?? 0)
        if (fit.content > largest.height) largest = { key, height: fit.content }
        slides++
      }
    }
    test.info().annotations.push({
      type: 'slides',
      description: `${slides} slides fit 1280x720; the tallest content, ${largest.key}, is ${largest.height.toFixed(0)} px of a ${await onStage(projector.page).evaluate((c) => (c.querySelector('.slide-body') as HTMLElement).clientHeight)} px slide body`
    })
    console.log(test.info().annotations.at(-1)?.description)
    expect(slides).toBeGreaterThan(lessons.length * 5)
    expect(projector.errors).toEqual([])
  })

  test('at 1920x1080 body text is at least 32 px and code at least 24 px; a demo slide runs its technique live', async ({
    browser
  }, testInfo) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const projector = await openProjector(browser, { width: 1920, height: 1080 }, colorScheme)
      await putSlide(projector.page, 'polling/empty-polls/0')
      await expect(onStage(projector.page)).toHaveAttribute('data-slide', 'polling/empty-polls/0')
      const sizes = await onStage(projector.page).evaluate((canvas) => ({
        body: Number.parseFloat(getComputedStyle(canvas.querySelector('.slide-body p') as Element).fontSize),
        code: Number.parseFloat(getComputedStyle(canvas.querySelector('.slide-body pre code') as Element).fontSize),
        heading: Number.parseFloat(getComputedStyle(canvas.querySelector('.slide-body h2') as Element).fontSize)
      }))
      testInfo.annotations.push({ type: `font sizes at 1920x1080, ${colorScheme}`, description: JSON.stringify(sizes) })
      console.log(`font sizes at 1920x1080 (${colorScheme}): ${JSON.stringify(sizes)}`)
      expect(sizes.body).toBeGreaterThanOrEqual(32)
      expect(sizes.code).toBeGreaterThanOrEqual(24)
      await saveScreenshot(projector.page, testInfo, `projector-1920-text-${colorScheme}`)

      // The polling demo: its race lane and its panel, running, side by side.
      const keys = await slideKeys(projector.page, '[data-overview]')
      const demo = keys.find(
        (key) =>
          key.startsWith('polling/persistent-connections-on-and-off/') &&
          key !== 'polling/persistent-connections-on-and-off/0'
      )
      for (const key of keys.filter((k) => k.startsWith('polling/persistent-connections-on-and-off/'))) {
        await putSlide(projector.page, key)
        await expect(onStage(projector.page)).toHaveAttribute('data-slide', key)
        if ((await onStage(projector.page).getAttribute('data-demo')) === 'polling') break
      }
      expect(demo).toBeDefined()
      const slide = onStage(projector.page)
      await expect(slide).toHaveAttribute('data-demo', 'polling')
      await expect(slide.locator('section.panel#polling')).toHaveAttribute('data-state', /open|idle|waiting/, {
        timeout: 15_000
      })
      await expect(slide.locator('[data-lane="polling"]')).toBeVisible()
      await expect
        .poll(() => slide.locator('[data-lane="polling"] [data-figure="latency-p50"]').getAttribute('data-value'), {
          timeout: 20_000
        })
        .not.toBe('')
      const inside = await slide.evaluate((canvas) => {
        const body = (canvas.querySelector('.slide-body') as HTMLElement).getBoundingClientRect()
        return [...canvas.querySelectorAll('.demo-stage > *')].every(
          (part) => part.getBoundingClientRect().bottom <= body.bottom + 1
        )
      })
      expect(inside).toBe(true)
      await saveScreenshot(projector.page, testInfo, `projector-1920-demo-${colorScheme}`)
      const small = await (await browser.newContext({ viewport: { width: 1280, height: 720 }, colorScheme })).newPage()
      await small.goto('/presenter')
      await expect(onStage(small)).toHaveAttribute('data-demo', 'polling')
      await expect(small.locator('#stage [data-lane="polling"] [data-figure="latency-p50"]')).not.toHaveAttribute(
        'data-value',
        '',
        {
          timeout: 20_000
        }
      )
      await saveScreenshot(small, testInfo, `projector-1280-demo-${colorScheme}`)
      expect(projector.errors).toEqual([])
    }
  })

  test('every demo slide fills its slide, its smallest text 24 px at 1920x1080; at 1280x720 the same, scaled, nothing clipped or overlapping', async ({
    browser
  }, testInfo) => {
    test.setTimeout(240_000)
    const lessons = (await (await browser.newContext()).request.get('/lessons.json').then((r) => r.json())).lessons as {
      slug: string
    }[]
    for (const [viewport, floorPx] of [
      [{ width: 1920, height: 1080 }, 24],
      [{ width: 1280, height: 720 }, 16]
    ] as const) {
      const projector = await openProjector(browser, viewport)
      const demos: string[] = []
      for (const { slug } of lessons) {
        await putSlide(projector.page, `${slug}//0`)
        await expect(onStage(projector.page)).toHaveAttribute('data-slide', `${slug}//0`)
        demos.push(
          ...(await projector.page
            .locator('[data-overview] .overview-slide [data-demo]')
            .evaluateAll((canvases) => canvases.map((canvas) => (canvas as HTMLElement).dataset.slide ?? '')))
        )
      }
      expect(demos.length, 'every lesson has a demo').toBeGreaterThanOrEqual(lessons.length)
      const measured: string[] = []
      for (const key of demos) {
        await putSlide(projector.page, key)
        const slide = onStage(projector.page)
        await expect(slide).toHaveAttribute('data-slide', key)
        const technique = (await slide.getAttribute('data-demo')) ?? ''
        await expect(slide.locator(`section.panel#${technique}`)).not.toHaveAttribute('data-state', 'closed')
        await expect(slide.locator('.race-figure').first()).toBeVisible()
        // The figures and the event list come with the first events and reports.
        await projector.page.waitForTimeout(1_500)
        const seen = await legibilityOf(slide.locator('.demo-stage'), '.slide-canvas')
        measured.push(`${key}: smallest ${seen.smallestPx.toFixed(1)} px, fills ${(seen.filled * 100).toFixed(0)} %`)
        expect(seen.smallestPx, `${key}: ${seen.smallest}`).toBeGreaterThanOrEqual(floorPx)
        expect(seen.filled, `${key}: how much of the slide the demo fills`).toBeGreaterThanOrEqual(0.7)
        expect(seen.overlaps, `${key}: texts that overlap`).toEqual([])
        expect(seen.spills, `${key}: content outside its part`).toEqual([])
        const fits = await slide.evaluate((canvas) => {
          const body = canvas.querySelector('.slide-body') as HTMLElement
          return body.scrollHeight <= body.clientHeight && canvas.getBoundingClientRect().bottom <= innerHeight + 0.5
        })
        expect(fits, `${key} fits without scrolling`).toBe(true)
        await saveScreenshot(projector.page, testInfo, `projector-${viewport.width}-demo-${key.replaceAll('/', '-')}`)
      }
      const size = `${viewport.width}x${viewport.height}`
      testInfo.annotations.push({ type: `demo slides at ${size}`, description: measured.join('; ') })
      console.log(`demo slides at ${size}:\n  ${measured.join('\n  ')}`)
    }
  })

  test('the console and the projector have no accessibility violations (axe), light and dark', async ({
    browser
  }, testInfo) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const console = await openConsole(browser, colorScheme)
      await console.page.locator('#lesson-select').selectOption('polling')
      const projector = await openProjector(browser, { width: 1280, height: 720 }, colorScheme)
      await expect(onStage(projector.page)).toHaveAttribute('data-slide', 'polling//0')
      await console.page.keyboard.press('ArrowRight')
      await expect(onStage(projector.page)).not.toHaveAttribute('data-slide', 'polling//0')
      for (const page of [console.page, projector.page]) {
        const results = await new AxeBuilder({ page }).analyze()
        expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes[0]?.target}`)).toEqual([])
      }
      await saveScreenshot(console.page, testInfo, `console-${colorScheme}`)
    }
  })

  test('announcements and a network cut show on the projector and on a student page, with a countdown; a student follows the teacher', async ({
    browser
  }) => {
    const projector = await openProjector(browser)
    const console = await openConsole(browser)
    const student = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage()
    await student.goto('/lessons/')
    await student.locator('#follow-teacher').check()
    await expect(student).toHaveURL(/\/lessons\/real-time-web$/)
    await console.page.locator('#lesson-select').selectOption('long-polling')
    await expect(student).toHaveURL(/\/lessons\/long-polling$/)
    await console.page.keyboard.press('ArrowRight')
    await expect(student).toHaveURL(/\/lessons\/long-polling#.+/)

    await console.page.locator('#announcement-text').fill('Look at the long polling lane')
    await console.page.locator('#announce-form button[type=submit]').click()
    await expect(projector.page.locator('#classroom-banner .announcement')).toHaveText('Look at the long polling lane')
    await expect(student.locator('#announcement')).toHaveText('Look at the long polling lane')
    await console.page.locator('#cut-seconds').fill('4')
    await console.page.locator('#cut-network').click()
    await expect(projector.page.locator('#classroom-banner .network-cut')).toContainText(/network back in [1-4] s/)
    await expect(student.locator('#network-cut')).toContainText(/network back in [1-4] s/)
    await expect(console.page.locator('#cut-countdown')).toContainText('network back in')
    // The banner stays in view however far the student scrolls, and the slide still fits on the projector.
    await student.mouse.wheel(0, 3000)
    const top = await student.locator('#classroom-banner').evaluate((banner) => banner.getBoundingClientRect().top)
    expect(top).toBeGreaterThanOrEqual(0)
    expect(top).toBeLessThan(2)
    const fits = await onStage(projector.page).evaluate(
      (canvas) => canvas.getBoundingClientRect().bottom <= innerHeight + 0.5
    )
    expect(fits).toBe(true)
    await expect(student.locator('#network-cut')).toBeHidden({ timeout: 10_000 })
    await expect(projector.page.locator('#classroom-banner .network-cut')).toBeHidden()
  })

  test('a room of 30 predicts: opened from the console, answered by all, the demo watched while closed, revealed with the counts sent and the value the projector measured', async ({
    browser
  }, testInfo) => {
    test.setTimeout(120_000)
    const projector = await openProjector(browser, { width: 1920, height: 1080 })
    // The console in the projector's browser (a second window), so it hears what the projector measures.
    const consolePage = await projector.page.context().newPage()
    await consolePage.setViewportSize({ width: 1440, height: 900 })
    await consolePage.goto('/presenter/console')
    await consolePage.locator('#lesson-select').selectOption('polling')
    await putSlide(consolePage, 'polling/persistent-connections-on-and-off/0')
    const control = consolePage.locator('.prediction-control[data-question="polling/1"]')
    await control.locator('[data-prediction-action="open"]').click()
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', 'prediction/polling/1')
    await expect(projector.page.locator('[data-answers]')).toHaveText('0')

    // Three students answer on their own pages, 27 more by script, each as its own page.
    const students = await Promise.all(
      [300, 650, 900].map(async (value) => {
        const page = await (await browser.newContext()).newPage()
        await page.goto('/lessons/polling')
        return { page, value }
      })
    )
    for (const { page, value } of students) {
      const form = page.locator('aside.predict[data-predict="polling/1"]')
      await form.getByLabel('Your prediction, in ms').fill(String(value))
      await form.getByRole('button', { name: 'Commit my prediction' }).click()
      await expect(form.locator('.predict-status')).toHaveText(`Your prediction: ${value} ms — sent to the class`)
    }
    const scripted = Array.from({ length: 27 }, (_, i) => 100 + i * 37)
    for (const [n, value] of scripted.entries()) {
      const answer = await projector.page.request.post(`/classroom/prediction/answer?client=e2e-room-${n}`, {
        data: { question: 'polling/1', value }
      })
      expect(answer.status()).toBe(204)
    }
    const sent = [...students.map(({ value }) => value), ...scripted]
    await expect(projector.page.locator('[data-answers]')).toHaveText('30')
    await expect(control.locator('.prediction-status')).toHaveText('open: 30 answers')

    // Answers closed: the slides come back, and the room watches the polling demo run.
    await control.locator('[data-prediction-action="closed"]').click()
    await expect(control.locator('.prediction-status')).toHaveText('closed: 30 answers')
    const keys = await slideKeys(projector.page, '[data-overview]')
    for (const key of keys.filter((k) => k.startsWith('polling/persistent-connections-on-and-off/'))) {
      await putSlide(consolePage, key)
      await expect(onStage(projector.page)).toHaveAttribute('data-slide', key)
      if ((await onStage(projector.page).getAttribute('data-demo')) === 'polling') break
    }
    const figure = onStage(projector.page).locator('[data-lane="polling"] [data-figure="latency-p50"]')
    await expect.poll(() => figure.getAttribute('data-value'), { timeout: 20_000 }).not.toBe('')
    await expect(control.locator('.prediction-measure')).toContainText('Measured on the projector now', {
      timeout: 5_000
    })

    await control.locator('[data-prediction-action="revealed"]').click()
    const reveal = projector.page.locator('#stage .prediction-reveal')
    await expect(reveal).toHaveAttribute('data-answers', '30')
    const room = await (await projector.page.request.get('/classroom')).json()
    const measured = room.prediction?.measured
    expect(typeof measured, 'the reveal carries what the projector measured').toBe('number')
    const measuredText = `${measured.toLocaleString('en', { maximumFractionDigits: 2 })} ms`
    await expect(reveal).toContainText(`measured live: ${measuredText}`)
    // The console says what was sent with the reveal, and keeps saying it once the projector's demo has
    // stopped for the reveal (its next reading, a second later, has nothing measured).
    const measureLine = control.locator('.prediction-measure')
    await expect(measureLine).toContainText(`Revealed with the measured ${measuredText}`)
    await consolePage.waitForTimeout(2_500)
    await expect(measureLine).toContainText(`Revealed with the measured ${measuredText}`)
    await expect(measureLine).not.toContainText('without a measured value')
    // Each range counts exactly the answers sent that fall in it.
    const rows = await reveal.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const { from, to, count } = (tr as HTMLElement).dataset
        return { from: Number(from), to: Number(to), count: Number(count) }
      })
    )
    for (const [i, { from, to, count }] of rows.entries()) {
      const last = i === rows.length - 1
      const expected = sent.filter((value) => value >= from && (value < to || (last && value <= to))).length
      expect(count, `answers from ${from} to ${to}`).toBe(expected)
    }
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(30)
    console.log(`reveal: ${rows.map((r) => `${r.from}–${r.to}: ${r.count}`).join(', ')}; measured ${measured} ms`)
    await saveScreenshot(projector.page, testInfo, 'projector-reveal')
    await expect(consolePage.locator('#now-title-text')).toContainText('the reveal of polling/1')
    await expect(consolePage.locator('#preview-current .prediction-reveal')).toHaveCount(1)

    // → on the console moves on: the projector leaves the reveal for the next slide, as the console says.
    const revealedOn = await consolePage.locator('#slide-position').textContent()
    await consolePage.locator('#slide-next').click()
    await expect(consolePage.locator('#slide-position')).not.toHaveText(revealedOn ?? '')
    await expect(onStage(projector.page)).not.toHaveAttribute('data-slide', /^prediction/)
    const nextKey = await onStage(projector.page).getAttribute('data-slide')
    await expect(consolePage.locator('#preview-current [data-slide]')).toHaveAttribute('data-slide', nextKey ?? '')
    await expect(consolePage.locator('#now-title-text')).not.toContainText('reveal')
    // Back on the slide it was revealed on, the reveal is there again (the question is still revealed).
    await consolePage.locator('#slide-prev').click()
    await expect(onStage(projector.page)).toHaveAttribute('data-slide', 'prediction/polling/1')
    await expect(reveal).toHaveAttribute('data-answers', '30')

    // Each student sees the class's answers and where their own guess fell; never a token.
    for (const { page, value } of students) {
      const own = page.locator('aside.predict[data-predict="polling/1"] .prediction-reveal')
      await expect(own).toHaveAttribute('data-answers', '30')
      await expect(own).toContainText(`you: ${value} ms`)
      expect(await page.content()).not.toContain(presenterToken)
    }
    await control.locator('[data-prediction-action="clear"]').click()
    await expect(onStage(projector.page)).not.toHaveAttribute('data-slide', /^prediction/)
    expect(projector.errors).toEqual([])
  })
})
