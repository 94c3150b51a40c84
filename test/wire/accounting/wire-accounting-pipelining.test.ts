import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { FeedPage } from '../../../src/shared/feed-event.ts'
import { clientId, eventually, publishTicks, startServer } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'
import { assertOtherTechniquesEmpty, counters, expectRow } from '../wire-helper.ts'

describe('wire accounting of pipelined requests', () => {
  test('charges an ajax GET and a polling GET sent in one write each its own bytes, to the byte', async (t) => {
    const server = await startServer(t)
    const id = clientId('pipelined')
    publishTicks(server.app, 3)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())

    const ajax = raw.get(`/feed/ajax?after=0&client=${id}`)
    const poll = raw.get(`/feed/polling?after=3&client=${id}`)
    raw.send(ajax + poll)
    const ajaxAnswer = await raw.readResponse()
    const pollAnswer = await raw.readResponse()
    assert.deepEqual([ajaxAnswer.status, pollAnswer.status], [200, 200])
    assert.equal(ajaxAnswer.bytes + pollAnswer.bytes, raw.bytesRead)

    const report = await expectRow(
      server,
      id,
      'ajax',
      counters({
        requests: 1,
        connectionsOpened: 1,
        bytesIn: Buffer.byteLength(ajax),
        bytesOut: ajaxAnswer.bytes,
        events: 3
      })
    )
    assert.deepEqual(
      report.techniques.polling,
      counters({
        requests: 1,
        openConnections: 1,
        bytesIn: Buffer.byteLength(poll),
        bytesOut: pollAnswer.bytes,
        emptyResponses: 1
      })
    )
    assertOtherTechniquesEmpty(report, 'ajax', 'polling')
  })

  test('charges a held long poll and the ajax GET pipelined behind it each their own bytes', async (t) => {
    const server = await startServer(t)
    const id = clientId('held')
    publishTicks(server.app, 2)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())

    const longPoll = raw.get(`/feed/long-polling?after=2&timeout=5000&client=${id}`)
    const ajax = raw.get(`/feed/ajax?after=0&client=${id}`)
    raw.send(longPoll + ajax)
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 1))
    publishTicks(server.app, 1)
    const held = await raw.readResponse()
    const behind = await raw.readResponse()
    await raw.close()

    const report = await expectRow(
      server,
      id,
      'long-polling',
      counters({
        requests: 1,
        connectionsOpened: 1,
        bytesIn: Buffer.byteLength(longPoll),
        bytesOut: held.bytes,
        events: 1
      })
    )
    assert.deepEqual(
      report.techniques.ajax,
      counters({ requests: 1, bytesIn: Buffer.byteLength(ajax), bytesOut: behind.bytes, events: 3 })
    )
  })

  test("a pull answer's latest is never behind an event the answer before it on the connection carried", async (t) => {
    const server = await startServer(t)
    const id = clientId('latest')
    publishTicks(server.app, 2)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())

    // The ajax answer waits behind the held long poll: built at once, it would say latest 2 after event 3.
    raw.send(
      raw.get(`/feed/long-polling?after=2&timeout=5000&client=${id}`) + raw.get(`/feed/ajax?after=2&client=${id}`)
    )
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 1))
    publishTicks(server.app, 1)
    const held = JSON.parse((await raw.readResponse()).body) as FeedPage
    const behind = JSON.parse((await raw.readResponse()).body) as FeedPage
    assert.deepEqual(
      held.events.map((event) => event.id),
      [3]
    )
    assert.ok(behind.latest >= 3, `latest ${behind.latest} is behind event 3, sent before it`)
    assert.deepEqual(
      behind.events.map((event) => event.id),
      [3]
    )
  })
})
