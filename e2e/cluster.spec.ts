import { type Cluster, startCluster } from '../cluster/cluster.ts'
import { expect, test } from './fixtures.ts'
import { panel, presenterToken, statOf } from './support.ts'

// `npm run cluster` on free ports: Redis, instances a and b, nginx round robin. The page is opened
// through the balancer, as a class would.
let cluster: Cluster | undefined
test.beforeAll(async () => {
  cluster = await startCluster({ feedRate: 4, presenterToken })
})
test.afterAll(async () => {
  await cluster?.stop()
})

const automatic = ['polling', 'long-polling', 'sse', 'websocket', 'fetch-stream', 'iframe-stream'] as const

test('through the balancer every panel delivers, the figures add up both instances, and the race view shows the hops', async ({
  page
}) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  test.skip(!cluster, 'no cluster')
  await page.goto(`${cluster?.url}#token=${presenterToken}`)
  await expect(page.locator('body')).toHaveAttribute('data-client', /./)
  for (const name of automatic)
    await expect(panel(page, name).locator('ol.events > li').first()).toBeVisible({ timeout: 10_000 })
  await expect(page.locator('#race .feed-instances')).toHaveText('figures: instances a + b added up', {
    timeout: 10_000
  })
  // Round robin: the polls hop between a and b; each panel says which instance served it last.
  await expect
    .poll(async () => Number(await page.locator('[data-lane=polling]').getAttribute('data-hops')))
    .toBeGreaterThan(0)
  for (const name of automatic)
    await expect(panel(page, name).locator('.served-by')).toHaveText(/^served by instance [ab]/)
  // The wire view says which instances served the polls, and whose capture it lists.
  await panel(page, 'polling').locator('button.open-wire').click()
  const capturedBy = page.locator('dialog[open].wire-view .captured-by')
  await expect(capturedBy).toContainText(
    /Answers \(or connections\) by instance since this page opened: [ab] \d+, [ab] \d+ · last hop/
  )
  await expect(capturedBy).toContainText(/Captured by instance [ab], which this page's stats channel is on/)
  await page.locator('dialog[open].wire-view button.close').click()
  expect(errors).toEqual([])
})

test('an instance killed under the page: its streams hop to the other, with no gap and no duplicate', async ({
  page,
  pageErrors
}) => {
  test.skip(!cluster, 'no cluster')
  pageErrors.expect(/net::ERR_INCOMPLETE_CHUNKED_ENCODING/, 'the killed instance cuts its streams mid-response')
  await page.goto(`${cluster?.url}#token=${presenterToken}`)
  for (const name of automatic)
    await expect(panel(page, name).locator('ol.events > li').first()).toBeVisible({ timeout: 10_000 })
  // Kill the instance the SSE stream is on.
  const on = /instance (\w)/.exec((await panel(page, 'sse').locator('.served-by').textContent()) ?? '')?.[1]
  const victim = cluster?.instances.find((instance) => instance.name === on)
  expect(victim, `the SSE panel names its instance (${on})`).toBeTruthy()
  const survivor = on === 'a' ? 'b' : 'a'
  await victim?.kill('SIGKILL')
  await expect(panel(page, 'sse').locator('.served-by')).toContainText(
    `served by instance ${survivor} · last hop ${on}→${survivor}`,
    {
      timeout: 15_000
    }
  )
  const before = await statOf(page, 'sse', 'events')
  await expect.poll(() => statOf(page, 'sse', 'events'), { timeout: 10_000 }).toBeGreaterThan(before + 2)
  for (const name of automatic) {
    expect(await statOf(page, name, 'gaps'), `${name}: gaps`).toBe(0)
    expect(await statOf(page, name, 'duplicates'), `${name}: duplicates`).toBe(0)
  }
  await victim?.restart()
})
