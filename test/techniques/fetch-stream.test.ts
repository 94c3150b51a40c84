import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import type { CaptureReport } from '../../src/shared/capture.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { openLineStream } from '../clients.ts'
import { clientId, eventually, publishTicks, range, startServer } from '../helper.ts'

type Line = FeedEvent | { reset: true; latest: number }

/** Opens the stream: each non-empty line is one JSON item. */
const openLines = (t: TestContext, url: string) =>
  openLineStream<Line>(t, url, (line) => (line === '' ? undefined : (JSON.parse(line) as Line)))

const idsOf = (lines: Line[]) => lines.flatMap((line) => ('id' in line ? [line.id] : []))

describe('fetch-stream', () => {
  test('answers application/x-ndjson: one event as one line of JSON, for as long as it is read', async (t) => {
    const { app, url } = await startServer(t)
    const events = publishTicks(app, 2)
    const { response, items, text } = await openLines(t, `${url}/feed/fetch-stream?after=0`)
    assert.equal(response.status, 200)
    assert.equal(response.headers.get('content-type'), 'application/x-ndjson; charset=utf-8')
    assert.equal(response.headers.get('cache-control'), 'no-cache, no-transform')
    assert.equal(response.headers.get('x-accel-buffering'), 'no')
    await items.waitFor(2)
    const live = app.feed.publish('chat', { text: 'line one\nline two' })
    await items.waitFor(3)
    assert.equal(text(), [...events, live].map((event) => `${JSON.stringify(event)}\n`).join(''))
  })

  test('resumes after ?after= without a gap or a duplicate, and starts from the last ten without it', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 14)
    const resumed = await openLines(t, `${url}/feed/fetch-stream?after=9`)
    const fresh = await openLines(t, `${url}/feed/fetch-stream`)
    publishTicks(app, 1)
    assert.deepEqual(idsOf(await resumed.items.waitFor(6)), range(10, 15))
    assert.deepEqual(idsOf(await fresh.items.waitFor(11)), range(5, 15))
  })

  test('says so in a reset line when the cursor is older than the feed keeps', async (t) => {
    const { app, url } = await startServer(t, { feedCapacity: 5 })
    publishTicks(app, 12)
    const { items } = await openLines(t, `${url}/feed/fetch-stream?after=2`)
    const received = await items.waitFor(6)
    assert.deepEqual(received[0], { reset: true, latest: 12 })
    assert.deepEqual(idsOf(received), range(8, 12))
  })

  test('refuses a cursor that is not a plain decimal integer with 400 and a JSON reason', async (t) => {
    const { url } = await startServer(t)
    for (const after of ['0x1d', '1e3', '-1', '%20', 'Infinity']) {
      const response = await fetch(`${url}/feed/fetch-stream?after=${after}`)
      assert.equal(response.status, 400, after)
      assert.equal(((await response.json()) as { code: string }).code, 'FST_ERR_VALIDATION', after)
    }
  })

  test('answers its head at once, lets go of the feed when the reader goes, and the server closes with a stream open', async (t) => {
    const { app, url } = await startServer(t)
    const stopped = new AbortController()
    const asked = Date.now()
    const response = await fetch(`${url}/feed/fetch-stream`, { signal: stopped.signal })
    assert.equal(response.status, 200)
    assert.ok(Date.now() - asked < 1000, 'the head comes at once, before there is any event to send')
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    stopped.abort()
    await eventually(() => assert.equal(app.feed.subscriberCount, 0))
    const open = await fetch(`${url}/feed/fetch-stream`)
    assert.equal(open.status, 200)
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    const closing = Date.now()
    await app.close()
    assert.ok(Date.now() - closing < 2000, 'close did not wait for the open stream')
  })

  test('is captured as a stream: its wire view shows the lines as written', async (t) => {
    const { app, url } = await startServer(t)
    const client = clientId('fetch-stream-capture')
    const { items } = await openLines(t, `${url}/feed/fetch-stream?client=${client}`)
    const event = app.feed.publish('tick', { value: 1 })
    await items.waitFor(1)
    const capture = await eventually(async () => {
      const report = (await (
        await fetch(`${url}/wire/capture?client=${client}&technique=fetch-stream`)
      ).json()) as CaptureReport
      assert.ok(report.items.some((item) => item.kind === 'stream'))
      return report
    })
    const streamed = capture.items.flatMap((item) => (item.kind === 'stream' ? [item.text] : [])).join('')
    assert.ok(streamed.includes(`${JSON.stringify(event)}\n`), streamed)
    assert.ok(capture.items.some((item) => item.kind === 'response' && item.head.startsWith('HTTP/1.1 200')))
  })
})
