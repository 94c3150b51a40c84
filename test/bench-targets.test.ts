// The bench's judging, on made-up rows: no server, no process. A row below its publish rate must not flatter.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ratioOf, ratioText } from '../bench/comparison.ts'
import { manyPagesVariant, pairVariant, requestsVariant } from '../bench/plan.ts'
import type { BenchRow } from '../bench/protocol.ts'
import { PublishLag } from '../bench/publish-schedule.ts'
import { formatTable } from '../bench/report.ts'
import { verdictLine, verdicts } from '../bench/targets.ts'

function row(server: BenchRow['server'], change: Partial<BenchRow> = {}): BenchRow {
  return {
    technique: 'websocket',
    server,
    clients: 1_000,
    seconds: 4,
    latencyMs: { p50: 5, p99: 20, max: 30 },
    delivered: 80_000,
    expected: 80_000,
    publishedPerSecond: 20,
    askedPerSecond: 20,
    serverCpuUsPerDelivery: { user: 5, system: 5 },
    rssKiBPerConnection: 1,
    heapKiBPerConnection: 1,
    loadCpuPercent: 20,
    ...change
  }
}

describe('bench judging', () => {
  test('a ratio where a side fell below its publish rate is marked, and the target using it is not met', () => {
    const slow = row('wirewatch', { publishedPerSecond: 15.2, serverCpuUsPerDelivery: { user: 2, system: 2 } })
    const rows = [slow, row('bare'), row('socket.io')]
    assert.equal(ratioText(ratioOf(slow, rows), 'cpu'), '0.40*')
    const line = verdicts(rows, undefined)
      .map(verdictLine)
      .find((text) => text.includes('websocket, 1,000'))
    assert.match(line ?? '', /^NOT met: .*0\.40\*× bare/)
  })

  test('a row below its rate is never "all delivered"', () => {
    const table = formatTable([row('wirewatch', { publishedPerSecond: 15.2 })])
    assert.match(table, /all of 15\.2\/s, below rate/)
  })

  test('a target whose rows are missing is not measured in this run, and not met', () => {
    const found = verdicts([row('wirewatch')], undefined)
    const fanOut = found.find(({ target }) => target.startsWith('websocket, 1,000'))
    assert.equal(fanOut?.met, false)
    assert.match(verdictLine(fanOut ?? { target: '', met: true }), /^not measured in this run: /)
  })

  test('polling after 10,000 page ids is judged on the median of its pairs, not on one pair', () => {
    const asking = (variant: string, requestsPerSecond: number) =>
      row('wirewatch', { technique: 'polling', clients: 50, variant, requestsPerSecond })
    const pair = (n: number, before: number, after: number) => [
      asking(pairVariant(requestsVariant, n), before),
      asking(pairVariant(manyPagesVariant, n), after)
    ]
    const judged = (rows: BenchRow[]) =>
      verdicts(rows, undefined).find(({ target }) => target.includes('after 10,000 distinct page ids'))
    const onePair = judged(pair(1, 20_000, 16_000))
    assert.equal(onePair?.met, false)
    assert.equal(onePair?.measured, '16,000 req/s after vs 20,000 req/s before = 0.80×')
    const threePairs = judged([...pair(1, 20_000, 16_000), ...pair(2, 18_000, 18_000), ...pair(3, 17_000, 16_660)])
    assert.equal(threePairs?.met, true)
    assert.equal(threePairs?.measured, '3 pairs, each after ÷ before: 0.80×, 1.00×, 0.98×; median 0.980×')
  })

  test('publish lag is each publish against start + k × interval, however the ones before it fared', () => {
    const lag = new PublishLag(1_000, 50)
    lag.record(1_050)
    lag.record(1_130)
    lag.record(1_150)
    assert.deepEqual(lag.ms, { mean: 10, max: 30 })
    assert.equal(lag.published, 3)
  })
})
