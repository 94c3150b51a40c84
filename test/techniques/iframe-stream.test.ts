import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import type { CaptureReport } from '../../src/shared/capture.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { openLineStream } from '../clients.ts'
import { clientId, eventually, publishTicks, range, startServer } from '../helper.ts'

type Handed = FeedEvent | { reset: true; latest: number }

/** Opens the frame's page: what each script on a line hands to the parent (its `postMessage` argument). */
const openFrame = (t: TestContext, url: string) =>
  openLineStream<Handed>(t, url, (line) => {
    const handed = /postMessage\((.*), location\.origin\)/.exec(line)?.[1]
    return handed === undefined ? undefined : (JSON.parse(handed) as Handed)
  })

const idsOf = (items: Handed[]) => items.flatMap((item) => ('id' in item ? [item.id] : []))

describe('iframe-stream', () => {
  test('answers an HTML page that never ends: one nonced script per event, runnable under its own CSP only', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 2)
    const { response, items: handed, text } = await openFrame(t, `${url}/feed/iframe-stream?after=0`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8')
    const policy = response.headers.get('content-security-policy') ?? ''
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1]
    assert.ok(nonce, policy)
    assert.match(policy, /default-src 'none'/)
    assert.match(policy, /frame-ancestors 'self'/)
    assert.doesNotMatch(policy, /unsafe-inline/)
    await handed.waitFor(2)
    const scripts = [...text().matchAll(/<script nonce="([^"]+)">/g)].map((match) => match[1])
    assert.equal(scripts.length, 2)
    for (const scriptNonce of scripts) assert.equal(scriptNonce, nonce, 'every script carries the response’s nonce')
    assert.ok(text().startsWith('<!doctype html>'))
  })

  test('no text in an event can end its script: < is written as \\u003c, and the event comes back whole', async (t) => {
    const { app, url } = await startServer(t)
    const { items: handed, text } = await openFrame(t, `${url}/feed/iframe-stream`)
    const sneaky = '</script><img src=x onerror=alert(1)><script>alert(2)</script>'
    const event = app.feed.publish('chat', { text: sneaky })
    const [received] = await handed.waitFor(1)
    assert.deepEqual(received, event)
    assert.equal(text().match(/<\/script>/g)?.length, 1, 'only the server’s own script ends')
    assert.doesNotMatch(text(), /<img/)
  })

  test('resumes after ?after= without a gap or a duplicate, and says so when the cursor is too old', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 12)
    const resumed = await openFrame(t, `${url}/feed/iframe-stream?after=9`)
    assert.deepEqual(idsOf(await resumed.items.waitFor(3)), range(10, 12))
    const old = await openFrame(t, `${url}/feed/iframe-stream?after=2`)
    const received = await old.items.waitFor(6)
    assert.deepEqual(received[0], { reset: true, latest: 12 })
    assert.deepEqual(idsOf(received), range(8, 12))
  })

  test('refuses a cursor that is not a plain decimal integer with 400 and a JSON reason', async (t) => {
    const { url } = await startServer(t)
    for (const after of ['0x1d', '1e3', '-1', '%20']) {
      const response = await fetch(`${url}/feed/iframe-stream?after=${after}`)
      assert.equal(response.status, 400, after)
      assert.equal(((await response.json()) as { code: string }).code, 'FST_ERR_VALIDATION', after)
    }
  })

  test('lets go of the feed when the frame goes, and is captured as a stream', async (t) => {
    const { app, url } = await startServer(t)
    const client = clientId('frame')
    const stopped = new AbortController()
    const response = await fetch(`${url}/feed/iframe-stream?client=${client}`, { signal: stopped.signal })
    assert.equal(response.status, 200)
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    app.feed.publish('tick', { value: 1 })
    await eventually(async () => {
      const report = (await (
        await fetch(`${url}/wire/capture?client=${client}&technique=iframe-stream`)
      ).json()) as CaptureReport
      assert.ok(report.items.some((item) => item.kind === 'stream' && item.text.includes('postMessage(')))
    })
    stopped.abort()
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  })
})
