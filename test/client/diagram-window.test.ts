import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { captionOf, durationPhrase } from '../../src/client/diagrams/diagram-tally.ts'
import { planWindow } from '../../src/client/diagrams/diagram-window.ts'
import type { CaptureItem } from '../../src/shared/capture.ts'

const now = 1_700_000_000_000
const heightPx = 400
let seq = 0

/** A captured item with only the fields a diagram reads. */
function item(fields: Record<string, unknown> & { kind: CaptureItem['kind']; at: number }): CaptureItem {
  return {
    seq: ++seq,
    technique: 'sse',
    connection: 1,
    simulatedRttMs: 0,
    head: 'GET / HTTP/1.1\r\n',
    ...fields
  } as CaptureItem
}
const push = (at: number, simulatedRttMs = 0) => item({ kind: 'stream', at, text: 'data: {}', simulatedRttMs })
const request = (at: number, connection: number, newConnection: boolean) =>
  item({ kind: 'request', at, connection, newConnection, technique: 'polling' })
const response = (at: number, connection: number) => item({ kind: 'response', at, connection, technique: 'polling' })
const closed = (at: number, connection: number) => item({ kind: 'closed', at, connection, technique: 'polling' })

/** `rate` pushes a second for `seconds`, ending at `now`. */
function pushesAt(rate: number, seconds: number): CaptureItem[] {
  return Array.from({ length: rate * seconds }, (_, i) => push(now - seconds * 1000 + (i + 1) * (1000 / rate)))
}

/** Polling every 250 ms with keep-alive off: a new connection, a request, an answer and a close per poll. */
function pollsWithoutKeepAlive(seconds: number): CaptureItem[] {
  const items: CaptureItem[] = []
  for (let i = 0; i < seconds * 4; i++) {
    const at = now - seconds * 1000 + i * 250 + 10
    items.push(request(at, i, true), response(at + 3, i), closed(at + 4, i))
  }
  return items
}

/** Items drawn one by one, and items inside aggregates, in one count. */
function drawnCount(plan: ReturnType<typeof planWindow>): number {
  const aggregated = plan.aggregates.reduce(
    (sum, { tally }) => sum + tally.requests + tally.responses + tally.pushes + tally.framesIn + tally.closes,
    0
  )
  return plan.arrows.length + plan.closes.length + aggregated
}

describe('planWindow', () => {
  test('includes the items of the last 20 s and leaves out older ones', () => {
    const plan = planWindow([push(now - 25_000), push(now - 20_001), push(now - 19_999), push(now - 100)], {
      now,
      windowMs: 20_000,
      heightPx
    })
    assert.equal(plan.tally.pushes, 2)
    assert.deepEqual(
      plan.arrows.map((arrow) => arrow.at),
      [now - 19_999, now - 100]
    )
    assert.equal(plan.since, now - 20_000)
  })

  test('at 10 events/s for 30 s, what is drawn spans at least 18 s of the window', () => {
    const plan = planWindow(pushesAt(10, 30), { now, windowMs: 20_000, heightPx })
    assert.ok(plan.spanMs >= 18_000, `span ${plan.spanMs} ms`)
    assert.equal(plan.firstAt, now - 19_900)
    assert.equal(plan.lastAt, now)
    assert.equal(plan.tally.pushes, 200)
  })

  test('dense traffic becomes aggregates whose counts add up to the items they replace', () => {
    const items = [...pushesAt(50, 30)]
    const plan = planWindow(items, { now, windowMs: 20_000, heightPx })
    assert.equal(plan.arrows.length, 0, 'no arrow is drawn 0.4 px from the next')
    assert.ok(plan.aggregates.length >= 1)
    const aggregated = plan.aggregates.reduce((sum, aggregate) => sum + aggregate.tally.pushes, 0)
    assert.equal(aggregated, 1000, '50/s × 20 s')
    assert.equal(drawnCount(plan), plan.tally.pushes)
    assert.match(plan.aggregates[0]?.text ?? '', /^1,000 pushed in these 20 s$/)
  })

  test('polling every 250 ms with keep-alive off is summed up, handshakes and closes included', () => {
    const plan = planWindow(pollsWithoutKeepAlive(30), { now, windowMs: 20_000, heightPx })
    assert.equal(plan.arrows.length, 0)
    assert.equal(plan.handshakes.length, 0)
    const [aggregate] = plan.aggregates
    assert.deepEqual(aggregate?.tally, {
      handshakes: 80,
      requests: 80,
      responses: 80,
      pushes: 0,
      framesIn: 0,
      closes: 80
    })
    assert.equal(aggregate?.text, '80 requests, 80 answers, 80 TCP handshakes, 80 closes in these 20 s')
  })

  test('polling once a second without keep-alive is drawn poll by poll, each with its handshake', () => {
    const polls = Array.from({ length: 20 }, (_, i) => now - 19_500 + i * 1000).flatMap((at, i) => [
      request(at, 100 + i, true),
      response(at + 3, 100 + i),
      closed(at + 4, 100 + i)
    ])
    const plan = planWindow(polls, { now, windowMs: 20_000, heightPx: 320 })
    assert.equal(plan.aggregates.length, 0)
    assert.equal(plan.handshakes.length, 20)
    assert.equal(plan.arrows.length, 40)
    assert.equal(plan.closes.length, 20)
  })

  test('a burst is summed up in its own second while quiet seconds keep their arrows', () => {
    const burst = Array.from({ length: 40 }, (_, i) => push(now - 5_500 + i * 10))
    const quiet = [push(now - 15_000), push(now - 12_300), push(now - 1_000)]
    const items = [...quiet.slice(0, 2), ...burst, ...quiet.slice(2)].sort((a, b) => a.at - b.at)
    const plan = planWindow(items, { now, windowMs: 20_000, heightPx })
    assert.equal(plan.arrows.length, 3)
    assert.equal(plan.aggregates.length, 1)
    assert.equal(plan.aggregates[0]?.text, '40 pushed in this second')
    assert.equal(drawnCount(plan), 43)
  })

  test('a half-crowded second beside a dense one joins its summary; a lone arrow beside it stays an arrow', () => {
    const burst = Array.from({ length: 40 }, (_, i) => push(now - 6_000 + i * 20))
    const halfCrowded = [push(now - 4_900), push(now - 4_600), push(now - 4_300)]
    const lone = push(now - 6_500)
    const plan = planWindow([lone, ...burst, ...halfCrowded], { now, windowMs: 20_000, heightPx })
    assert.deepEqual(
      plan.arrows.map((arrow) => arrow.at),
      [now - 6_500]
    )
    assert.equal(plan.aggregates.length, 1)
    assert.equal(plan.aggregates[0]?.text, '43 pushed in these 2 s')
  })

  test('the counts of the window are exactly what it holds, drawn or summed up', () => {
    const items = [...pollsWithoutKeepAlive(8), request(now - 19_000, 99, false), response(now - 18_990, 99)]
    const plan = planWindow(items, { now, windowMs: 20_000, heightPx })
    assert.equal(plan.tally.requests, 33)
    assert.equal(plan.tally.handshakes, 32)
    assert.equal(plan.tally.closes, 32)
    assert.equal(drawnCount(plan), 33 + 33 + 32)
  })

  test('at the 2 s zoom a 100 ms one-way delay leans an arrow by 20 px, and 10 events/s are drawn one by one', () => {
    const plan = planWindow(
      Array.from({ length: 20 }, (_, i) => push(now - 1_950 + i * 100, 200)),
      { now, windowMs: 2_000, heightPx }
    )
    assert.equal(plan.aggregates.length, 0)
    const arrow = plan.arrows[5]
    assert.ok(arrow)
    assert.equal(((arrow.toAt - arrow.fromAt) / 2_000) * heightPx, 20)
  })

  test('a request held across the window’s top draws its hold from the top', () => {
    const held = [request(now - 30_000, 7, false), response(now - 5_000, 7)]
    const plan = planWindow(held, { now, windowMs: 20_000, heightPx })
    assert.deepEqual(plan.holds, [{ fromAt: now - 20_000, toAt: now - 5_000 }])
    assert.equal(plan.tally.requests, 0, 'the request itself is older than the window')
  })

  test('a hold whose answer left above the window’s top, and only arrived in it, is not drawn (no bar of negative height)', () => {
    // 200 ms simulated round trip: the answer left the server 100 ms before it is stamped.
    const held = [
      item({
        kind: 'request',
        at: now - 3_000,
        connection: 8,
        newConnection: false,
        technique: 'long-polling',
        simulatedRttMs: 200
      }),
      item({ kind: 'response', at: now - 1_950, connection: 8, technique: 'long-polling', simulatedRttMs: 200 })
    ]
    const plan = planWindow(held, { now, windowMs: 2_000, heightPx })
    assert.deepEqual(plan.holds, [])
    assert.equal(plan.arrows.length, 1, 'the answer’s arrow still ends in the window')
  })

  test('an aggregate keeps a tick for every arrow it stands for, on the lane the arrow leaves', () => {
    const plan = planWindow(pollsWithoutKeepAlive(2), { now, windowMs: 20_000, heightPx })
    const ticks = plan.aggregates.flatMap((aggregate) => aggregate.ticks)
    assert.equal(ticks.filter((tick) => tick.from === 'browser').length, 8, 'the requests')
    assert.equal(ticks.filter((tick) => tick.from === 'server').length, 8, 'the answers')
  })

  test('the caption counts what the window holds, and names the window', () => {
    const items = [...pollsWithoutKeepAlive(30), push(now - 19_000), push(now - 21_000)]
    const plan = planWindow(items, { now, windowMs: 20_000, heightPx })
    assert.equal(
      captionOf(plan, 5000),
      'last 20 s: 80 TCP handshakes, 80 requests, 1 pushed, 0 frames from the browser'
    )
    const zoomed = planWindow(items, { now, windowMs: 2_000, heightPx })
    assert.equal(captionOf(zoomed, 5000), 'last 2 s: 8 TCP handshakes, 8 requests, 0 pushed, 0 frames from the browser')
    const one = planWindow([request(now - 5, 1, true)], { now, windowMs: 2_000, heightPx })
    assert.equal(captionOf(one, 5000), 'last 2 s: 1 TCP handshake, 1 request, 0 pushed, 0 frames from the browser')
    const capped = planWindow([], { now, windowMs: 20_000, heightPx, completeSince: now - 12_000 })
    assert.match(captionOf(capped, 5000), / · only the newest 5,000 items are kept: complete from 12\.0 s ago$/)
  })

  test('says when a memory cap left the window incomplete', () => {
    const options = { now, windowMs: 20_000, heightPx }
    assert.equal(planWindow([], { ...options, completeSince: now - 25_000 }).completeSince, undefined)
    assert.equal(planWindow([], { ...options, completeSince: now - 12_000 }).completeSince, now - 12_000)
    assert.equal(planWindow([], options).firstAt, undefined)
  })

  test('an aggregate names its biggest count first', () => {
    const items = [
      item({ kind: 'request', at: now - 500, newConnection: false }),
      ...Array.from({ length: 11 }, (_, i) => push(now - 480 + i))
    ]
    const plan = planWindow(items, { now, windowMs: 20_000, heightPx })
    assert.deepEqual(plan.aggregates[0]?.phrases, ['11 pushed', '1 request'])
  })

  test('names what an aggregate covers', () => {
    assert.equal(durationPhrase(1000), 'in this second')
    assert.equal(durationPhrase(100), 'in these 100 ms')
    assert.equal(durationPhrase(4000), 'in these 4 s')
    assert.equal(durationPhrase(4500), 'in these 4.5 s')
  })
})
