import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import type { CaptureReport, FrameItem } from '../src/shared/capture.ts'
import { expect, test } from './fixtures.ts'
import { saveScreenshot } from './support.ts'

/** Where each figure teaches. */
const figuresByLesson: Record<string, string[]> = {
  'long-polling': ['long-poll'],
  'server-sent-events': ['event-stream'],
  'tcp-and-http': ['tcp-handshake', 'http10-vs-http11'],
  websocket: ['websocket-upgrade', 'websocket-frame']
}

const phone = { width: 375, height: 667 }
const desktop = { width: 1280, height: 720 }

async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
}

/** Lets the WebSocket demo start: answers "skip" to the prediction before it, when the page asks for one. */
async function switchOnWebSocketDemo(page: Page): Promise<void> {
  const demo = page.locator('.demo[data-technique="websocket"] .panel')
  const skip = page.locator('.predict button[name=skip]')
  if ((await skip.count()) > 0 && (await skip.first().isEnabled())) await skip.first().click()
  await demo.locator('input[name=enabled]').check()
}

/** Width and height of every element `selector` matches, in CSS px. */
function sizes(page: Page, selector: string): Promise<{ what: string; width: number; height: number }[]> {
  return page.locator(selector).evaluateAll((elements) =>
    elements
      .filter((element) => element.getClientRects().length > 0)
      .map((element) => {
        const { width, height } = element.getBoundingClientRect()
        const what = `${element.tagName.toLowerCase()}${element.getAttribute('name') ? `[name=${element.getAttribute('name')}]` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`
        return { what, width: Math.round(width * 10) / 10, height: Math.round(height * 10) / 10 }
      })
  )
}

function smallerThan(found: { what: string; width: number; height: number }[], min: number, axis: 'both' | 'height') {
  return found.filter(({ width, height }) => height < min || (axis === 'both' && width < min))
}

test.describe('lesson figures', () => {
  for (const [slug, names] of Object.entries(figuresByLesson))
    test(`"${slug}" shows ${names.join(' and ')}, readable on a 375 px phone without the page overflowing`, async ({
      page
    }) => {
      for (const viewport of [desktop, phone]) {
        await page.setViewportSize(viewport)
        await page.goto(`/lessons/${slug}`)
        for (const name of names) {
          const svg = page.locator(`figure[data-figure="${name}"] svg[role="img"]`)
          await expect(svg).toBeVisible()
          await expect(svg).toHaveAccessibleName(/.{10,}/)
          const box = await svg.boundingBox()
          expect(box?.width ?? 0).toBeGreaterThan(300)
          // Its text stays at least 11 px tall on screen: the figure scrolls sideways instead of shrinking.
          const smallest = await svg.evaluate((element) => {
            const heights = [...element.querySelectorAll('text')].map((text) => text.getBoundingClientRect().height)
            return Math.min(...heights.filter((height) => height > 0))
          })
          expect(smallest, `${name} at ${viewport.width} px`).toBeGreaterThanOrEqual(11)
        }
        expect(await pageOverflow(page), `page overflow at ${viewport.width} px`).toBeLessThanOrEqual(1)
      }
    })

  test('lesson 7 names this server’s own address, whatever name the reader used', async ({ page, baseURL }) => {
    const url = new URL(baseURL ?? '')
    await page.goto('/lessons/websocket')
    const body = page.locator('.lesson-body')
    await expect(body).toContainText(`new WebSocket('ws://${url.host}/feed/websocket?after=41')`)
    await expect(body).toContainText(`Host: ${url.host}`)
    await expect(body).toContainText(`Origin: http://${url.host}`)
    await expect(page.locator('figure[data-figure="websocket-upgrade"]')).toContainText(`Host: ${url.host}`)
    await page.goto(`http://localhost:${url.port}/lessons/websocket`)
    await expect(body).toContainText(`new WebSocket('ws://localhost:${url.port}/feed/websocket?after=41')`)
    expect(await page.locator('main').innerHTML()).not.toContain('{{')
    const json = await (await page.request.get('/lessons.json')).text()
    expect(json).not.toContain('{{')
  })

  test('"this frame, live" fills in with the frames captured at the server socket', async ({ page }, testInfo) => {
    await page.setViewportSize(desktop)
    await page.goto('/lessons/websocket')
    const client = (await page.locator('body').getAttribute('data-client')) ?? ''
    const received = page.locator('[data-live-frame="received"]')
    const sent = page.locator('[data-live-frame="sent"]')
    await expect(received).toContainText('the last frame the server sent this page, as captured at the server socket', {
      ignoreCase: true
    })
    await switchOnWebSocketDemo(page)
    await expect(received).toHaveAttribute('data-fin', '1')
    await expect(received).toHaveAttribute('data-opcode', '1')
    await expect(received).toHaveAttribute('data-mask', '0')
    await expect(received).toContainText('frames from the server to the browser never are')
    // The page pings a few seconds after the socket opens: that frame is masked, with its key.
    await expect(sent).toHaveAttribute('data-mask', '1', { timeout: 10_000 })
    await expect(sent.locator('dd').nth(5)).toHaveText(/^([0-9a-f]{2} ){3}[0-9a-f]{2} \(hex\)/)
    // The figure is the server's capture: the same frame, the same payload length (read together, as frames keep coming).
    const { seq, shownLength, bits } = await received.evaluate((figure: HTMLElement) => ({
      seq: Number(figure.dataset.seq),
      shownLength: Number(figure.dataset.payloadLength),
      bits: [...figure.querySelectorAll('text.bit')].map((bit) => bit.textContent ?? '')
    }))
    const report = (await (
      await page.request.get(`/wire/capture?client=${client}&technique=websocket`)
    ).json()) as CaptureReport
    const frame = report.items.find((item): item is FrameItem => item.kind === 'frame' && item.seq === seq)
    expect(frame?.payloadLength).toBe(shownLength)
    expect(frame?.direction).toBe('out')
    expect(bits.slice(0, 8).join('')).toBe('10000001') // FIN 1, RSV 000, opcode 0001
    expect(Number.parseInt(bits.slice(9, 16).join(''), 2)).toBe(
      shownLength <= 125 ? shownLength : shownLength < 65_536 ? 126 : 127
    )
    const live = page.locator('.live-frames')
    await received.locator('svg').waitFor()
    await saveScreenshot(live, testInfo, 'lesson-frame-live-1280-light')
    await page.emulateMedia({ colorScheme: 'dark' })
    await saveScreenshot(live, testInfo, 'lesson-frame-live-1280-dark')
    await page.setViewportSize(phone)
    await saveScreenshot(live, testInfo, 'lesson-frame-live-375-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await saveScreenshot(live, testInfo, 'lesson-frame-live-375-light')
    await saveScreenshot(
      page.locator('figure[data-figure="websocket-frame"]'),
      testInfo,
      'lesson-frame-figure-375-light'
    )
    expect(await pageOverflow(page)).toBeLessThanOrEqual(1)
  })

  test('the handshake figure, light and dark, on a projector and a phone', async ({ page }, testInfo) => {
    const figure = page.locator('figure[data-figure="tcp-handshake"]')
    for (const scheme of ['light', 'dark'] as const)
      for (const viewport of [desktop, phone]) {
        await page.emulateMedia({ colorScheme: scheme })
        await page.setViewportSize(viewport)
        await page.goto('/lessons/tcp-and-http')
        await figure.scrollIntoViewIfNeeded()
        await saveScreenshot(figure, testInfo, `lesson-handshake-${viewport.width}-${scheme}`)
      }
  })

  test('on a phone, tables keep their words whole and the contents do not fill the first screen', async ({ page }) => {
    await page.setViewportSize(phone)
    await page.goto('/lessons/websocket')
    const contents = await page.locator('.lesson-contents').boundingBox()
    expect(contents?.height ?? 999).toBeLessThan(phone.height / 4)
    // "opcode" in the frame table is one line, not "opco" + "de".
    const cell = page.locator('.table-scroll td', { hasText: /^opcode$/ })
    const lines = await cell.evaluate((element) => {
      const range = document.createRange()
      range.selectNodeContents(element)
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size
    })
    expect(lines).toBe(1)
    const wrapper = page.locator('.table-scroll').first()
    await expect(wrapper).toHaveAttribute('tabindex', '0')
    expect(await pageOverflow(page)).toBeLessThanOrEqual(1)
  })

  for (const path of ['/lessons/refresh-and-ajax', '/lessons/websocket', '/'])
    test(`touch targets at 375 px on ${path}: 24 px links and boxes, 44 px primary controls`, async ({ page }) => {
      await page.setViewportSize(phone)
      await page.goto(path)
      await expect(page.locator('.panel').first()).toBeVisible()
      const links = await sizes(page, '.site-header nav a')
      const boxes = await sizes(page, 'input[type=checkbox], input[type=radio]')
      const primary = await sizes(
        page,
        '.panel .switch, button[name=update], button[name=reload], .predict button, .quiz button[type=submit]'
      )
      console.log(
        `${path}: nav links min height ${Math.min(...links.map((l) => l.height))} px; checkboxes/radios min ` +
          `${Math.min(...boxes.map((b) => b.width))}x${Math.min(...boxes.map((b) => b.height))} px; primary controls min ` +
          `${Math.min(...primary.map((p) => p.width))}x${Math.min(...primary.map((p) => p.height))} px (${primary.length})`
      )
      expect(links.length).toBeGreaterThan(3)
      expect(smallerThan(links, 24, 'height')).toEqual([])
      expect(boxes.length).toBeGreaterThan(0)
      expect(smallerThan(boxes, 24, 'both')).toEqual([])
      expect(primary.length).toBeGreaterThan(0)
      expect(smallerThan(primary, 44, 'both')).toEqual([])
    })

  for (const viewport of [phone, desktop])
    test(`a lesson with figures has no axe violations at ${viewport.width} px, light and dark`, async ({ page }) => {
      await page.setViewportSize(viewport)
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        for (const slug of ['tcp-and-http', 'websocket']) {
          await page.goto(`/lessons/${slug}`)
          if (slug === 'websocket') {
            await switchOnWebSocketDemo(page)
            await expect(page.locator('[data-live-frame="received"]')).toHaveAttribute('data-fin', '1')
          }
          const results = await new AxeBuilder({ page }).analyze()
          expect(
            results.violations.map((violation) => `${slug} ${scheme}: ${violation.id}: ${violation.nodes[0]?.target}`)
          ).toEqual([])
        }
      }
    })
})
