import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CaptureFeed, itemsCapPerTechnique, keptForMs } from '../../src/client/wire/capture-feed.ts'
import type { CaptureItem } from '../../src/shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../../src/shared/techniques.ts'

let seq = 0
/** A captured item with only the fields the feed reads. */
function item(technique: TechniqueName, kind: CaptureItem['kind'], at: number, extra: object = {}): CaptureItem {
  return { seq: ++seq, technique, kind, at, connection: 1, simulatedRttMs: 0, ...extra } as CaptureItem
}

/** What /wire/live would push over `seconds` at `rate` events/s, in 500 ms messages, from `start`. */
function feedRun(feed: CaptureFeed, start: number, seconds: number, rate: number): void {
  for (let message = 0; message < seconds * 2; message++) {
    const items: CaptureItem[] = []
    for (let i = 0; i < rate / 2; i++) {
      const at = start + message * 500 + (i * 1000) / rate
      items.push(
        item('sse', 'stream', at),
        item('websocket', 'frame', at, { direction: 'out' }),
        item('long-polling', 'request', at, { newConnection: false }),
        item('long-polling', 'response', at + 1)
      )
    }
    // Polling every 250 ms with keep-alive off: a new connection, an answer and a close per poll.
    for (const at of [start + message * 500, start + message * 500 + 250])
      items.push(
        item('polling', 'request', at, { newConnection: true }),
        item('polling', 'response', at + 2),
        item('polling', 'closed', at + 3)
      )
    feed.add(items)
  }
}

describe('CaptureFeed', () => {
  test('is captured until the server says otherwise, and then says why, with the server’s page limit', () => {
    const feed = new CaptureFeed()
    const heard: ReadonlySet<TechniqueName>[] = []
    feed.onChange((changed) => heard.push(changed))
    assert.equal(feed.notCapturedReason, undefined)

    feed.setStatus({ captured: false, maxPages: 1000 })
    assert.match(feed.notCapturedReason ?? '', /^Not captured: this server keeps the wire of at most 1,000 pages/)
    assert.equal(heard.at(-1)?.size, techniqueNames.length, 'every technique’s view is told')

    feed.setStatus({ captured: true, maxPages: 1000 })
    assert.equal(feed.notCapturedReason, undefined)
    assert.equal(heard.length, 2)
  })

  test('keeps every item of the last 25 s at 50 events/s and polling every 250 ms, and forgets older ones', () => {
    const feed = new CaptureFeed()
    const start = 1_700_000_000_000
    feedRun(feed, start, 60, 50)
    const newest = start + 60_000
    for (const technique of ['sse', 'websocket', 'long-polling', 'polling'] as const) {
      const items = feed.items(technique)
      const recent = items.filter((kept) => kept.at >= newest - keptForMs)
      const perSecond = technique === 'polling' ? 12 : technique === 'long-polling' ? 100 : 50
      assert.ok(
        recent.length >= (perSecond * keptForMs) / 1000 - perSecond,
        `${technique}: ${recent.length} items of the last 25 s`
      )
      assert.ok((items[0]?.at ?? 0) >= newest - keptForMs - 1000, `${technique} forgets what is older`)
      assert.equal(feed.completeSince(technique), undefined, 'the cap was never reached')
      assert.deepEqual(
        items.map((kept) => kept.seq),
        [...items.map((kept) => kept.seq)].sort((a, b) => a - b),
        'oldest first'
      )
    }
  })

  test('keeps the latest exchanges however old, so a WebSocket’s Upgrade outlives a quiet minute', () => {
    const feed = new CaptureFeed()
    const start = 1_700_000_000_000
    feed.add([item('websocket', 'request', start, { newConnection: true }), item('websocket', 'response', start + 1)])
    feed.add([item('sse', 'stream', start + 120_000)])
    assert.deepEqual(
      feed.items('websocket').map((kept) => kept.kind),
      ['request', 'response']
    )
  })

  test('holds at most its cap per technique, and says from when the kept items are complete', () => {
    const feed = new CaptureFeed()
    const start = 1_700_000_000_000
    const flood = Array.from({ length: itemsCapPerTechnique + 500 }, (_, i) => item('sse', 'stream', start + i))
    feed.add(flood)
    const kept = feed.items('sse')
    assert.equal(kept.length, itemsCapPerTechnique)
    assert.equal(kept[0]?.at, start + 500)
    assert.equal(feed.completeSince('sse'), start + 499)
    assert.equal(feed.completeSince('polling'), undefined)
  })
})
