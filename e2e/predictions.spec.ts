import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'
import { asPresenter, closeOpenedContexts, presenterToken, saveScreenshot } from './support.ts'

// Lesson 3's question: the polling panel's latency p50 in ms, measured on the race view's polling lane.
const lesson = '/lessons/polling'
const question = 'polling/1'
const measured = 507

/** A student's own page: its own browser context, so its own tab storage and client ids. */
async function studentPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage()
  await page.goto(lesson)
  await expect(page.locator('body')).toHaveAttribute('data-client', /.+/)
  return page
}

/** What each bin of the reveal should count, worked out here from the values sent. */
function expectedCount(values: number[], from: number, to: number, last: boolean): number {
  return values.filter((value) => value >= from && (value < to || (last && value <= to))).length
}

test.describe('the room predicts, then observes', () => {
  test.afterEach(async ({ browser, request }) => {
    await request.delete('/classroom/prediction', { headers: asPresenter })
    await closeOpenedContexts(browser)
  })

  test('30 pages answer; closed and revealed, every page shows the counts that were sent', async ({
    browser,
    request
  }, testInfo) => {
    test.setTimeout(120_000)
    const students = await Promise.all([0, 1, 2].map(() => studentPage(browser)))
    const [early, first, second] = students as [Page, Page, Page]
    const prediction = (page: Page) => page.locator(`aside.predict[data-predict="${question}"]`)

    // One student commits before any class question is open: kept on the page, sent once it opens.
    await prediction(early).getByLabel('Your prediction, in ms').fill('120')
    await prediction(early).getByRole('button', { name: 'Commit my prediction' }).click()
    await expect(prediction(early).locator('.predict-status')).toHaveText('Your prediction: 120 ms — kept on this page')

    const opened = await request.put('/classroom/prediction', {
      data: { question, phase: 'open' },
      headers: asPresenter
    })
    expect(opened.status()).toBe(200)
    await expect(prediction(early).locator('.predict-status')).toHaveText('Your prediction: 120 ms — sent to the class')
    for (const [page, value] of [
      [first, '300'],
      [second, '650,5']
    ] as const) {
      await prediction(page).getByLabel('Your prediction, in ms').fill(value)
      await prediction(page).getByRole('button', { name: 'Commit my prediction' }).click()
    }
    await expect(prediction(first).locator('.predict-status')).toHaveText('Your prediction: 300 ms — sent to the class')
    await expect(prediction(second).locator('.predict-status')).toHaveText(
      'Your prediction: 650.5 ms — sent to the class'
    )

    // 27 more pages, scripted, each with its own client id.
    const scripted = Array.from({ length: 27 }, (_, i) => ({ client: `scripted-page-${i}`, value: 150 + 37 * i }))
    for (const { client, value } of scripted) {
      const response = await request.post(`/classroom/prediction/answer?client=${client}`, {
        data: { question, value }
      })
      expect(response.status()).toBe(204)
    }
    const sent = [120, 300, 650.5, ...scripted.map((page) => page.value)]
    await expect
      .poll(
        async () =>
          ((await (await request.get('/classroom')).json()) as { prediction: { answers: number } }).prediction.answers
      )
      .toBe(30)

    expect(
      (
        await request.put('/classroom/prediction', { data: { question, phase: 'closed' }, headers: asPresenter })
      ).status()
    ).toBe(200)
    const revealed = await request.put('/classroom/prediction', {
      data: { question, phase: 'revealed', measured },
      headers: asPresenter
    })
    expect(revealed.status()).toBe(200)

    for (const [page, own] of [
      [early, '120'],
      [first, '300'],
      [second, '650.5']
    ] as const) {
      const reveal = prediction(page).locator('.prediction-reveal')
      await expect(reveal).toBeVisible()
      await expect(reveal).toHaveAttribute('data-answers', '30')
      await expect(reveal.locator('.reveal-summary')).toContainText('30 answers')
      const rows = await reveal.locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          from: Number((tr as HTMLElement).dataset.from),
          to: Number((tr as HTMLElement).dataset.to),
          shown: Number(tr.querySelector('.reveal-number')?.textContent)
        }))
      )
      expect(rows).toHaveLength(10)
      for (const [i, row] of rows.entries())
        expect(row.shown, `bin ${row.from}–${row.to}`).toBe(expectedCount(sent, row.from, row.to, i === 9))
      expect(rows.reduce((sum, row) => sum + row.shown, 0)).toBe(30)
      await expect(reveal.locator('.reveal-measured')).toHaveText(
        "measured live: 507 ms (polling p50, the projector's race view)"
      )
      await expect(reveal.locator('.reveal-own')).toHaveText(`you: ${own} ms`)
      // The row the guess fell in carries the mark.
      const ownRow = reveal.locator('tbody tr', { has: page.locator('.reveal-own') })
      const { from, to } = await ownRow.evaluate((tr) => ({
        from: Number((tr as HTMLElement).dataset.from),
        to: Number((tr as HTMLElement).dataset.to)
      }))
      expect(Number(own)).toBeGreaterThanOrEqual(from)
      expect(Number(own)).toBeLessThanOrEqual(to)
    }

    // Nothing of the token, nor of any other page, is on a student's page or in its storage.
    for (const page of students) {
      const everything = await page.evaluate(
        () =>
          document.documentElement.outerHTML +
          JSON.stringify({ ...sessionStorage }) +
          JSON.stringify({ ...localStorage })
      )
      expect(everything).not.toContain(presenterToken)
      for (const { client } of scripted) expect(everything).not.toContain(client)
      for (const other of students.filter((someone) => someone !== page)) {
        const otherIds = await other.evaluate(() => [
          document.body.dataset.client ?? '',
          sessionStorage.getItem('wirewatch-prediction-answerer') ?? ''
        ])
        for (const id of otherIds) expect(everything).not.toContain(id)
      }
    }
    await expect(prediction(first).locator('.reveal-own')).not.toHaveText(/650/)

    await saveScreenshot(prediction(first), testInfo, 'prediction-reveal-1280-light')
    await first.setViewportSize({ width: 1920, height: 1080 })
    await saveScreenshot(prediction(first), testInfo, 'prediction-reveal-1920-light')
    await first.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(prediction(first), testInfo, 'prediction-reveal-1920-dark')

    const axe = await new AxeBuilder({ page: first }).analyze()
    expect(axe.violations.map((violation) => `${violation.id}: ${violation.nodes[0]?.target}`)).toEqual([])

    // A phone, arriving after the reveal: the reveal fits 375 px and passes axe too.
    const phone = await studentPage(browser, { width: 375, height: 800 })
    await expect(prediction(phone).locator('.prediction-reveal')).toBeVisible()
    await saveScreenshot(prediction(phone), testInfo, 'prediction-reveal-375-light')
    await phone.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(prediction(phone), testInfo, 'prediction-reveal-375-dark')
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(1)
    const phoneAxe = await new AxeBuilder({ page: phone }).analyze()
    expect(phoneAxe.violations.map((violation) => `${violation.id}: ${violation.nodes[0]?.target}`)).toEqual([])
  })

  test('the demo stays off, its toggle disabled, until the reader commits or skips', async ({ browser }) => {
    const page = await studentPage(browser)
    const demo = page.locator(`.demo[data-predict="${question}"]`)
    const toggle = demo.locator('input[name=enabled]')
    await expect(toggle).toBeDisabled()
    await expect(demo.locator('.demo-wait')).toHaveText(
      'This demo stays switched off until you commit a prediction above (or skip it).'
    )
    await expect(demo.locator('.panel')).toHaveAttribute('data-state', 'closed')
    // A number it cannot read is refused with the reason, and the demo stays locked.
    await page.getByLabel('Your prediction, in ms').fill('soon')
    await page.getByRole('button', { name: 'Commit my prediction' }).click()
    await expect(page.locator('.predict-status')).toHaveText('Write a number from 0 to 1,000,000 (ms).')
    await expect(toggle).toBeDisabled()
    await page.getByRole('button', { name: 'Skip' }).click()
    await expect(toggle).toBeEnabled()
    await expect(demo.locator('.demo-wait')).toHaveCount(0)
    await toggle.check()
    await expect(demo.locator('.panel')).not.toHaveAttribute('data-state', 'closed')
    // A reload keeps the decision: the demo is not locked again.
    await page.reload()
    await expect(page.locator(`.demo[data-predict="${question}"] input[name=enabled]`)).toBeEnabled()
  })

  test('a choice question is committed by its radio buttons', async ({ browser }) => {
    const page = await (await browser.newContext()).newPage()
    await page.goto('/lessons/refresh-and-ajax')
    const aside = page.locator('aside.predict')
    await aside.getByLabel('each event waits in the server until your next reload asks for the page').check()
    await aside.getByRole('button', { name: 'Commit my prediction' }).click()
    await expect(aside.locator('.predict-status')).toHaveText(
      'Your prediction: each event waits in the server until your next reload asks for the page — kept on this page'
    )
    await expect(page.locator('.demo[data-predict] input[name=enabled]')).toBeEnabled()
  })

  test('a quiz marks the chosen wrong answer and the right one in words', async ({ page }) => {
    await page.goto('/lessons/websocket')
    const quiz = page.locator('form.quiz').first()
    const wrong = quiz.locator('label.answer', { has: page.locator('input[type=radio]:not([data-correct])') }).first()
    await wrong.locator('input').check()
    await quiz.getByRole('button', { name: 'Check' }).click()
    await expect(wrong.locator('.answer-mark')).toHaveText('✗ your answer')
    await expect(wrong).toHaveAttribute('data-mark', 'wrong')
    const right = quiz.locator('label.answer', { has: page.locator('input[data-correct]') })
    await expect(right.locator('.answer-mark')).toHaveText('✓ right answer')
    await expect(quiz.locator('.explanation')).toBeVisible()
    await right.locator('input').check()
    await quiz.getByRole('button', { name: 'Check' }).click()
    await expect(right.locator('.answer-mark')).toHaveText('✓ your answer, right')
    await expect(wrong.locator('.answer-mark')).toHaveText('')
  })
})
