import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type CostSettings, estimateCost, requestsPerSecond } from '../../src/client/cost/cost-model.ts'
import { textbookOverhead } from '../../src/client/cost/textbook-figures.ts'
import { emptyCounters, type WireCounters } from '../../src/shared/wire-stats.ts'

const settings: CostSettings = {
  students: 30,
  technique: 'polling',
  pollIntervalMs: 1000,
  keepAlive: true,
  clicksPerMinute: 6,
  longPollTimeoutMs: 25_000,
  feedRate: 2
}

function counters(change: Partial<WireCounters>): WireCounters {
  return { ...emptyCounters(), ...change }
}

describe('requestsPerSecond', () => {
  test('refresh and AJAX: students × clicks per minute ÷ 60', () => {
    assert.equal(requestsPerSecond({ ...settings, technique: 'refresh', clicksPerMinute: 6 }), 3)
    assert.equal(requestsPerSecond({ ...settings, technique: 'ajax', clicksPerMinute: 12 }), 6)
  })

  test('polling: students ÷ interval in seconds', () => {
    assert.equal(requestsPerSecond({ ...settings, pollIntervalMs: 500 }), 60)
  })

  test('long polling: one answer per event, or one per timeout when the feed is quieter than that', () => {
    assert.equal(requestsPerSecond({ ...settings, technique: 'long-polling', feedRate: 2 }), 60)
    assert.equal(requestsPerSecond({ ...settings, technique: 'long-polling', feedRate: 0 }), 30 / 25)
  })

  test('SSE and WebSocket: no requests once connected', () => {
    assert.equal(requestsPerSecond({ ...settings, technique: 'sse' }), 0)
    assert.equal(requestsPerSecond({ ...settings, technique: 'websocket' }), 0)
  })
})

describe('estimateCost', () => {
  test('is undefined until the technique has been measured', () => {
    assert.equal(estimateCost(settings, emptyCounters(), 0), undefined)
    assert.equal(
      estimateCost({ ...settings, technique: 'websocket' }, counters({ requests: 1, bytesOut: 200 }), 0),
      undefined
    )
  })

  test('polling multiplies requests/s by the bytes measured per request', () => {
    const measured = counters({ requests: 10, bytesIn: 4_000, bytesOut: 3_000, connectionsOpened: 10 })
    const estimate = estimateCost(settings, measured, 0)
    assert.ok(estimate)
    assert.equal(estimate.requestsPerSecond, 30)
    assert.equal(estimate.bytesInPerSecond, 30 * 400)
    assert.equal(estimate.bytesOutPerSecond, 30 * 300)
    assert.equal(estimate.handshakesPerSecond, 0)
    assert.equal(estimate.openConnections, 30)
    assert.deepEqual(
      estimate.used.map((figure) => [figure.name, figure.value, figure.from]),
      [
        ['bytes in per request', 400, 10],
        ['bytes out per request', 300, 10]
      ]
    )
  })

  test('polling with keep-alive off pays one TCP handshake per poll and keeps nothing open', () => {
    const measured = counters({ requests: 10, bytesIn: 4_000, bytesOut: 3_000 })
    const estimate = estimateCost({ ...settings, keepAlive: false }, measured, 0)
    assert.equal(estimate?.handshakesPerSecond, 30)
    assert.equal(estimate?.openConnections, 0)
  })

  test('refresh charges handshakes at the share of requests that opened a connection in this run', () => {
    const measured = counters({ requests: 4, bytesIn: 2_000, bytesOut: 20_000, connectionsOpened: 1 })
    const estimate = estimateCost({ ...settings, technique: 'refresh', clicksPerMinute: 60 }, measured, 0)
    assert.equal(estimate?.requestsPerSecond, 30)
    assert.equal(estimate?.handshakesPerSecond, 30 / 4)
    assert.equal(estimate?.bytesOutPerSecond, 30 * 5_000)
    assert.equal(estimate?.used.at(-1)?.name, 'new connections per request')
  })

  test('WebSocket: students × feed rate × bytes measured per new event, one open connection each', () => {
    // 30 events delivered, of which 10 were the catch-up of the first answer: 20 new ones.
    const measured = counters({ requests: 1, bytesIn: 500, bytesOut: 1_200, events: 30 })
    const estimate = estimateCost({ ...settings, technique: 'websocket', feedRate: 5 }, measured, 20)
    assert.ok(estimate)
    assert.equal(estimate.requestsPerSecond, 0)
    assert.equal(estimate.bytesOutPerSecond, 30 * 5 * 60)
    assert.equal(estimate.bytesInPerSecond, 0)
    assert.equal(estimate.openConnections, 30)
    assert.deepEqual(estimate.used, [{ name: 'bytes out per new event', value: 60, from: 20, fromWhat: 'new events' }])
    assert.ok(estimate.formulas.some((formula) => formula.includes('feed rate × measured bytes out per new event')))
  })

  test('a push technique divides by new events only: its catch-up alone measures nothing', () => {
    // Switched on, the first answer brought the 10 backlog events and nothing was published since.
    const measured = counters({ requests: 1, bytesIn: 400, bytesOut: 1_400, events: 10 })
    assert.equal(estimateCost({ ...settings, technique: 'sse' }, measured, 0), undefined)
    assert.equal(estimateCost({ ...settings, technique: 'sse', feedRate: 1 }, measured, 4)?.bytesOutPerSecond, 30 * 350)
  })
})

describe('textbookOverhead', () => {
  test("polling: websocket.org's 871 bytes of headers per poll", () => {
    assert.deepEqual(textbookOverhead(settings), {
      min: 30 * 871,
      max: 30 * 871,
      formula: 'requests/s × 871 bytes of headers per poll (websocket.org’s polling example)'
    })
  })

  test('WebSocket: 2 to 14 bytes of frame header per message', () => {
    const overhead = textbookOverhead({ ...settings, technique: 'websocket', feedRate: 2 })
    assert.equal(overhead.min, 60 * 2)
    assert.equal(overhead.max, 60 * 14)
  })
})
