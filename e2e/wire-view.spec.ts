import type { Page } from '@playwright/test'
import type { TechniqueName } from '../src/shared/techniques.ts'
import { expect, test } from './fixtures.ts'
import { openWirewatch, panel, saveScreenshot, statOf, techniqueNames } from './support.ts'

/** Opens a panel's wire view and returns the dialog. */
async function openWire(page: Page, name: TechniqueName) {
  await panel(page, name).locator('button.open-wire').click()
  const dialog = page.locator(`dialog.wire-view[data-technique="${name}"]`)
  await expect(dialog).toBeVisible()
  return dialog
}

test.describe('the wire, as captured at the server socket', () => {
  test('every panel’s wire view shows its real request heads; SSE its stream; WebSocket its frames and handshake', async ({
    page
  }, testInfo) => {
    await openWirewatch(page)
    await panel(page, 'ajax').locator('button[name=update]').click()
    await expect(panel(page, 'ajax').locator('ol.events > li').first()).toBeVisible()

    for (const name of techniqueNames) {
      const dialog = await openWire(page, name)
      await expect(dialog.locator('pre.head').first()).toContainText(new RegExp(`^GET /feed/${name}\\?client=`))
      // Each request head says where it came from: the socket's bytes, or rebuilt from Node's parse.
      await expect(dialog.locator('.head-source').first()).toHaveText(
        /^Request head: (bytes as received|as Node parsed it \(rebuilt from rawHeaders; the bytes on the wire may differ in spacing\/case\))$/
      )
      if (name === 'polling') {
        // The open view tells the server, which reads this page's next polls from the socket's bytes.
        await expect(dialog.locator('.head-source').first()).toHaveText('Request head: bytes as received', {
          timeout: 10_000
        })
        await expect(dialog.locator('.head-source').first()).toHaveAttribute('data-source', 'socket-bytes')
        await saveScreenshot(dialog, testInfo, 'wire-view-polling')
      }
      if (name === 'sse') {
        await expect(dialog.locator('pre.stream')).toContainText('id: ')
        await expect(dialog.locator('pre.stream')).toContainText('data: {"id":')
      }
      await dialog.locator('button.close').click()
    }

    await panel(page, 'websocket').locator('button[name=ping]').click()
    const dialog = await openWire(page, 'websocket')
    const frames = dialog.locator('table.frames tbody tr')
    // The browser's ping: a masked text frame going in. The server's frames: unmasked, going out.
    const ping = frames.filter({ hasText: '"type":"ping"' }).first()
    await expect(ping).toHaveAttribute('data-direction', 'in')
    await expect(ping.locator('td').nth(4)).toHaveText('1 text')
    await expect(ping.locator('td').nth(5)).toHaveText('1')
    await expect(ping.locator('td').nth(6)).toHaveText(/^[0-9a-f]{8}$/)
    const event = frames.filter({ hasText: '"type":"event"' }).first()
    await expect(event).toHaveAttribute('data-direction', 'out')
    await expect(event.locator('td').nth(5)).toHaveText('0')
    // The last frame's bytes: FIN + opcode 1 = 0x81 first.
    await expect(dialog.locator('.last-frame pre.hex')).toHaveText(/^(81|88|89|8a) /)
    // The handshake, recomputed from the captured heads and checked against the Accept really sent.
    await expect(dialog.locator('.handshake .verdict')).toHaveAttribute('data-matches', 'true')
    await expect(dialog.locator('.handshake .browser-check')).toHaveAttribute('data-agrees', 'true')
    // As on the connection: the Upgrade request, then the 101 answer, then the frames.
    // Read in one go: the view re-renders as frames arrive.
    await expect(dialog.locator('pre.head', { hasText: /^HTTP\/1\.1 101 Switching Protocols/ }).first()).toBeVisible()
    const order = await dialog.evaluate((view) => {
      const heads = [...view.querySelectorAll('pre.head')]
      const upgrade = heads.find((head) =>
        /^GET \/feed\/websocket\?client=[\s\S]*upgrade: websocket/i.test(head.textContent ?? '')
      )
      const switching = heads.find((head) => (head.textContent ?? '').startsWith('HTTP/1.1 101 Switching Protocols'))
      const frame = view.querySelector('.last-frame, table.frames')
      const precedes = (earlier?: Element | null, later?: Element | null) =>
        Boolean(earlier && later && earlier.compareDocumentPosition(later) & Node.DOCUMENT_POSITION_FOLLOWING)
      return { upgradeFirst: precedes(upgrade, switching), thenFrames: precedes(switching, frame) }
    })
    expect(order).toEqual({ upgradeFirst: true, thenFrames: true })
    // Every arrow names both ends, from the server's side, as the column header says.
    await expect(dialog.locator('table.frames thead th').first()).toHaveText('direction (at the server)')
    await expect(ping.locator('td').first()).toHaveText('server ← browser')
    await expect(event.locator('td').first()).toHaveText('server → browser')
    for (const arrow of await frames.locator('td:first-child').allTextContents())
      expect(arrow).toMatch(/^server [←→] browser$/)
    await saveScreenshot(dialog, testInfo, 'wire-view-websocket')
  })

  test('with keep-alive off, polling pays a handshake per poll, in the diagram and the count; Pause freezes the diagrams', async ({
    page
  }, testInfo) => {
    await openWirewatch(page)
    const polling = panel(page, 'polling')
    await polling.locator('input[name=keepalive]').setChecked(false)
    const diagram = page.locator('figure.sequence[data-technique="polling"]')
    await expect(async () => {
      expect(Number(await diagram.getAttribute('data-handshakes'))).toBeGreaterThanOrEqual(3)
    }).toPass({ timeout: 10_000 })
    await expect(diagram.locator('g.handshake').first()).toBeVisible()
    await expect(page.locator('figure.sequence[data-technique="sse"] line.arrow.push').first()).toBeAttached()
    await saveScreenshot(page.locator('#diagrams'), testInfo, 'sequence-diagrams')

    const dialog = await openWire(page, 'polling')
    await expect(async () => {
      expect(Number(await dialog.locator('.wire-summary').getAttribute('data-handshakes'))).toBeGreaterThanOrEqual(3)
    }).toPass()
    await expect(dialog.locator('.connection.new').first()).toBeVisible()
    await dialog.locator('button.close').click()

    await page.locator('#diagrams button.pause').click()
    const frozen = await diagram.locator('svg').innerHTML()
    await page.waitForTimeout(1500)
    expect(await diagram.locator('svg').innerHTML()).toBe(frozen)
    await page.locator('#diagrams button.pause').click()
    await expect.poll(() => diagram.locator('svg').innerHTML()).not.toBe(frozen)
  })

  test('drop connection: the server cuts the SSE stream, and the panel reconnects and keeps receiving', async ({
    page,
    pageErrors
  }) => {
    pageErrors.expect(/net::ERR_INCOMPLETE_CHUNKED_ENCODING/, 'the server cuts the stream mid-response on purpose')
    await openWirewatch(page)
    const sse = panel(page, 'sse')
    await expect.poll(() => statOf(page, 'sse', 'events')).toBeGreaterThan(0)
    await sse.locator('button.drop').click()
    await expect(sse.locator('.drop-result')).toHaveText('the server cut 1 connection')
    const before = await statOf(page, 'sse', 'events')
    await expect.poll(() => statOf(page, 'sse', 'events'), { timeout: 10_000 }).toBeGreaterThan(before + 2)
    await expect.poll(() => statOf(page, 'sse', 'unseen')).toBeLessThanOrEqual(1)
  })
})
