import { copyFile, mkdir } from 'node:fs/promises'
import { type APIRequestContext, type Browser, expect, type Locator, type Page, type TestInfo } from '@playwright/test'
import { allTechniques, type TechniqueName } from '../src/shared/techniques.ts'
import type { TickerSettings } from '../src/shared/ticker-settings.ts'
import type { WireCounters, WireReport } from '../src/shared/wire-stats.ts'

export { techniqueNames } from '../src/shared/techniques.ts'

/** The techniques that fetch on their own once switched on (all but the ones asked by hand). */
export const automaticTechniques: readonly TechniqueName[] = allTechniques
  .filter((technique) => technique.asking !== 'by hand')
  .map((technique) => technique.name)

/** The e2e server as a classroom reaches it: plain http to a name that is not loopback (see playwright.config.ts). */
export const classroomOrigin = `http://classroom.test:${process.env.E2E_PORT ?? 3999}`

/** The e2e server's presenter token (PRESENTER_TOKEN in playwright.config.ts), and the header that carries it. */
export const presenterToken = 'e2e-presenter-token'
export const asPresenter = { authorization: `Bearer ${presenterToken}` }

/**
 * Opens the side-by-side page and returns the page's client id. `asTeacher` (the default: most
 * specs change the feed or the network) opens it with the presenter token, as the teacher's tab.
 */
export async function openWirewatch(page: Page, { asTeacher = true } = {}): Promise<string> {
  await page.goto(asTeacher ? `/#token=${presenterToken}` : '/')
  const body = page.locator('body')
  await expect(body).toHaveAttribute('data-client', /^[A-Za-z0-9_-]+$/)
  return (await body.getAttribute('data-client')) ?? ''
}

export function panel(page: Page, name: TechniqueName): Locator {
  return page.locator(`section.panel#${name}`)
}

/** Ids of the events a panel lists, newest first. */
export function shownIds(page: Page, name: TechniqueName): Promise<number[]> {
  return panel(page, name)
    .locator('ol.events > li')
    .evaluateAll((items) => items.map((item) => Number((item as HTMLElement).dataset.id)))
}

/** A figure a panel shows, as a number. */
export async function statOf(page: Page, name: TechniqueName, key: string): Promise<number> {
  const text = await panel(page, name).locator(`[data-stat="${key}"]`).textContent()
  return Number.parseFloat((text ?? '').replaceAll(',', ''))
}

/** The feed's newest event id, asked by a request of no page. */
export async function latestId(request: APIRequestContext): Promise<number> {
  const response = await request.get('/feed/ajax')
  expect(response.status()).toBe(200)
  return ((await response.json()) as { latest: number }).latest
}

export async function wireOf(request: APIRequestContext, client: string): Promise<WireReport> {
  const response = await request.get(`/wire?client=${client}`)
  expect(response.status()).toBe(200)
  return response.json()
}

export async function rowOf(request: APIRequestContext, client: string, name: TechniqueName): Promise<WireCounters> {
  return (await wireOf(request, client)).techniques[name]
}

export async function setTicker(request: APIRequestContext, change: Partial<TickerSettings>): Promise<void> {
  const response = await request.put('/feed/ticker', { data: change, headers: asPresenter })
  expect(response.status()).toBe(200)
}

/** Switches a panel on or off with its own toggle, as a user would. */
export async function switchPanel(page: Page, name: TechniqueName, on: boolean): Promise<void> {
  await panel(page, name).locator('input[type=checkbox][name=enabled]').setChecked(on)
}

/** The ticker as the e2e server starts it; every spec that changes it restores it. */
export const defaultTicker: TickerSettings = { rate: 2, paused: false, pattern: 'random' }

/** Saves a screenshot with the test's output, and a copy under e2e-output/screenshots/ to look at. */
export async function saveScreenshot(target: Page | Locator, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`)
  await target.screenshot({ path })
  await mkdir('e2e-output/screenshots', { recursive: true })
  await copyFile(path, `e2e-output/screenshots/${name}.png`)
}

/**
 * Closes the contexts a test opened with `browser.newContext()` (Playwright closes only its own):
 * a game or chat page left open would go on publishing into the one feed during later tests.
 */
export async function closeOpenedContexts(browser: Browser): Promise<void> {
  await Promise.all(browser.contexts().map((context) => context.close()))
}
