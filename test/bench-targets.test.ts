// The bench's judging, on made-up rows: no server, no process. A row below its publish rate must not flatter.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ratioOf, ratioText } from '../bench/comparison.ts'
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

  test('publish lag is each publish against start + k × interval, however the ones before it fared', () => {
    const lag = new PublishLag(1_000, 50)
    lag.record(1_050)
    lag.record(1_130)
    lag.record(1_150)
    assert.deepEqual(lag.ms, { mean: 10, max: 30 })
    assert.equal(lag.published, 3)
  })
})
