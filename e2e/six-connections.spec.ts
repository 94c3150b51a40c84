import type { Locator, Page } from '@playwright/test'
import { expect, test } from './fixtures.ts'

// "Open N event streams from this page" (src/client/demos/six-connections.ts), in lesson 8. Each
// protocol gets its own describe: over HTTP/2 (a second server started with --http2, as tls.spec.ts
// starts one with --tls) the same helpers should see every stream open and nothing wait.

const lesson = '/lessons/choosing'

/** The demo on the page, its streams chosen, opened. */
async function openStreams(page: Page, n: number): Promise<Locator> {
  const demo = page.locator('[data-six-connections]')
  await expect(demo.getByRole('button', { name: /^Open/ })).toBeEnabled()
  await demo.getByRole('spinbutton', { name: /streams/ }).fill(String(n))
  await demo.getByRole('button', { name: `Open ${n} streams` }).click()
  return demo
}

/** How many of the demo's streams are in each state, as its rows say. */
async function states(demo: Locator): Promise<Record<'open' | 'waiting' | 'closed', number>> {
  const all = await demo
    .locator('[data-stream-state]')
    .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.streamState))
  return {
    open: all.filter((state) => state === 'open').length,
    waiting: all.filter((state) => state === 'waiting').length,
    closed: all.filter((state) => state === 'closed').length
  }
}

test.describe('the six-connection demo over HTTP/1.1', () => {
  test('in lesson 8, eight streams: some wait, the next request waits behind them, and all of it completes once closed', async ({
    page
  }) => {
    await page.goto(lesson)
    const demo = page.locator('[data-six-connections]')
    await expect(demo).toHaveAttribute('data-protocol', 'http/1.1')
    await expect(demo.locator('.six-protocol')).toHaveText('HTTP/1.1')

    await openStreams(page, 8)
    await expect(demo.locator('[data-stream-state]')).toHaveCount(8)
    await page.waitForTimeout(2_000)
    const running = await states(demo)
    expect(running.waiting).toBeGreaterThanOrEqual(2)
    expect(running.open).toBeLessThanOrEqual(6)
    expect(running.open + running.waiting).toBe(8)
    // The page's next request left 0.5 s after the streams, and waits in the browser.
    await expect(demo.locator('[data-probe-state]')).toHaveAttribute('data-probe-state', 'waiting')
    expect(Number(await demo.locator('[data-probe-state]').getAttribute('data-probe-ms'))).toBeGreaterThan(1_000)
    // What it says is what its rows show.
    await expect(demo.locator('.six-summary')).toHaveText(
      `${running.open} of 8 streams open, ${running.waiting} waiting. The page’s next request is waiting.`
    )
    await expect(demo.locator('.six-explanation')).toContainText(`Of 8 streams, ${running.open} opened (`)
    // Waiting rows say how long, and the time grows.
    const waitingRow = demo.locator('[data-stream-state="waiting"]').first()
    await expect(waitingRow).toContainText(/waiting \d+\.\d\s+s…/)
    expect(Number(await waitingRow.getAttribute('data-waited-ms'))).toBeGreaterThan(2_000)
    // The server holds only the streams that opened: the others never reached it. Its count of the
    // connections is asked on one more (without credentials, so the question does not queue), charged
    // to the page, so the count is the streams' connections alone.
    await expect(demo.locator('.six-server')).toContainText(
      `Stream requests the server has received: ${running.open} of 8.`
    )
    await expect(demo).toHaveAttribute('data-server-connections', String(running.open))
    console.log(`over HTTP/1.1: ${running.open} of 8 open, ${running.waiting} waiting`)

    await demo.getByRole('button', { name: 'Close them' }).click()
    await expect.poll(() => states(demo)).toEqual({ open: 0, waiting: 0, closed: 8 })
    // What the browser had queued behind them goes once they are closed.
    await expect(demo.locator('[data-probe-state]')).toHaveAttribute('data-probe-state', 'answered', { timeout: 5_000 })
    await expect(demo.locator('.six-summary')).toHaveText(
      `Closed. ${running.open} of 8 streams had opened, ${8 - running.open} never did. The page’s next request was answered.`
    )
    // The waiting streams are closed first, so the browser cancels them before a connection is freed; on a
    // busy machine it has, rarely, already handed one a freed connection. The count says what reached the server.
    await page.waitForTimeout(1_500)
    const received = Number(
      /Stream requests the server has received: (\d+) of 8\./.exec(
        (await demo.locator('.six-server').textContent()) ?? ''
      )?.[1]
    )
    expect(received).toBeGreaterThanOrEqual(running.open)
    expect(received).toBeLessThanOrEqual(8)
    if (received > running.open)
      console.log(`${received - running.open} waiting stream(s) reached the server while closing`)
    await expect(demo.getByRole('button', { name: 'Open 8 streams' })).toBeEnabled()
  })

  test('in lesson 9 the demo waits for the prediction before it: Open is disabled until the reader commits or skips', async ({
    page
  }) => {
    await page.goto('/lessons/http2-and-beyond')
    const demo = page.locator('[data-six-connections]')
    const open = demo.getByRole('button', { name: /^Open/ })
    await expect(open).toBeDisabled()
    await expect(page.locator('.demo-wait').first()).toContainText('This demo waits until you commit a prediction')
    await page.locator('aside.predict button[name=skip]').first().click()
    await expect(open).toBeEnabled()
    await expect(page.locator('.demo-wait')).toHaveCount(0)
  })
})
