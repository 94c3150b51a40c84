import assert from 'node:assert/strict'
import { request } from 'node:http'
import { describe, test } from 'node:test'
import { otherRowNames, techniqueNames } from '../../src/shared/techniques.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { closeCodes } from '../../src/shared/websocket-messages.ts'
import type { WireReport } from '../../src/shared/wire-stats.ts'
import { emptyCounters } from '../../src/shared/wire-stats.ts'
import { openWebSocket } from '../clients.ts'
import { clientId, publishTicks, startServer } from '../helper.ts'

describe('GET /wire', () => {
  test('reports every technique and other row, the feed position and the time', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 3)
    const response = await fetch(`${url}/wire`)
    assert.equal(response.status, 200)
    const report = (await response.json()) as Record<string, unknown>
    assert.deepEqual(Object.keys(report).sort(), ['at', 'latest', 'other', 'techniques'])
    assert.deepEqual(Object.keys(report.techniques as object), [...techniqueNames])
    assert.deepEqual(Object.keys(report.other as object), [...otherRowNames])
    assert.deepEqual(
      Object.keys((report.techniques as Record<string, object>).sse ?? {}).sort(),
      Object.keys(emptyCounters()).sort()
    )
    assert.equal(report.latest, 3)
  })

  test('asker= charges the question to the page asking, so it adds no connection to the page asked about', async (t) => {
    const { url } = await startServer(t)
    const streams = clientId('streams')
    const asker = clientId('asker')
    const stream = await fetch(`${url}/feed/sse?client=${streams}&after=0`)
    t.after(() => stream.body?.cancel())
    // A connection of its own for the question, as a browser's uncredentialed request gets.
    const askOnNewConnection = (query: string) =>
      new Promise<WireReport>((resolve, reject) =>
        request(`${url}/wire?${query}`, { agent: false }, (response) => {
          let body = ''
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
          response.on('end', () => resolve(JSON.parse(body) as WireReport))
        })
          .on('error', reject)
          .end()
      )
    const asked = await askOnNewConnection(`client=${streams}&asker=${asker}`)
    assert.deepEqual(asked.connectionsNow, { http1: 1, http2: 0 }, 'the stream’s connection only')
    assert.equal(asked.other.page.requests, 0, 'the question is not the streams’ page traffic')
    const askerReport = await askOnNewConnection(`client=${asker}`)
    assert.equal(askerReport.other.page.requests, 2, 'both questions charged to the page that asked')
    assert.equal((await fetch(`${url}/wire?client=${streams}&asker=not%20an%20id`)).status, 400)
  })
})

describe('/wire/live', () => {
  test("pushes this client's report and the network conditions at once, then the report every half second", async (t) => {
    const server = await startServer(t)
    const id = clientId('live')
    await fetch(`${server.url}/feed/ajax?client=${id}`)
    const { ws, messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${id}`)
    const [first] = await messages.waitFor(1)
    assert.equal(first?.type, 'report')
    if (first?.type === 'report') {
      assert.equal(first.report.client, id)
      assert.equal(first.report.techniques.ajax.requests, 1)
    }
    const [, network] = await messages.waitFor(2)
    assert.deepEqual(network, { type: 'network', network: { rttMs: 0 } })
    const started = Date.now()
    await messages.waitUntil((items) => items.filter((item) => item.type === 'report').length >= 2, 1500)
    const gap = Date.now() - started
    assert.ok(gap > 300 && gap < 1000, `second report after ${gap} ms`)
    ws.close()
  })

  test('answers a clock sample with the same t and the server clock', async (t) => {
    const server = await startServer(t)
    const { ws, messages } = await openWebSocket<WireLiveServerMessage>(t, server, '/wire/live')
    await messages.waitFor(1)
    const before = Date.now()
    ws.send(JSON.stringify({ type: 'clock', t: 17.25 }))
    const clock = (await messages.waitUntil((items) => items.some((item) => item.type === 'clock'))).find(
      (item) => item.type === 'clock'
    )
    assert.equal(clock?.t, 17.25)
    assert.ok(clock && clock.server >= before && clock.server <= Date.now())
    ws.close()
  })

  for (const [name, message, code] of [
    ['text that is not JSON', 'tick tock', closeCodes.invalidPayload],
    ['an unknown message', '{"type":"report"}', closeCodes.policyViolation]
  ] as const) {
    test(`closes with ${code} for ${name}`, async (t) => {
      const server = await startServer(t)
      const { ws, closed } = await openWebSocket<WireLiveServerMessage>(t, server, '/wire/live')
      ws.send(message)
      assert.equal((await closed).code, code)
    })
  }
})
