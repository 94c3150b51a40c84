import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { techniqueNames } from '../../../src/shared/techniques.ts'
import { emptyCounters } from '../../../src/shared/wire-stats.ts'
import { clientId, eventually, publishTicks, startServer, wireOf } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'
import { assertOtherTechniquesEmpty, counters, exchange, expectRow } from '../wire-helper.ts'

describe('wire accounting', () => {
  test('charges each keep-alive request on one socket to its own technique, to the byte', async (t) => {
    const server = await startServer(t)
    const id = clientId('mixed')
    publishTicks(server.app, 3)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())

    const first = await exchange(raw, `/feed/ajax?after=0&client=${id}`)
    const poll = await exchange(raw, `/feed/polling?after=3&client=${id}`)
    publishTicks(server.app, 1)
    const second = await exchange(raw, `/feed/ajax?after=3&client=${id}`)
    assert.deepEqual([first.status, poll.status, second.status], [200, 200, 200])
    assert.equal(first.bytesIn + poll.bytesIn + second.bytesIn, raw.bytesWritten)
    assert.equal(first.bytesOut + poll.bytesOut + second.bytesOut, raw.bytesRead)

    const ajaxWhileOpen = counters({
      requests: 2,
      connectionsOpened: 1,
      openConnections: 1,
      bytesIn: first.bytesIn + second.bytesIn,
      bytesOut: first.bytesOut + second.bytesOut,
      events: 4
    })
    const report = await expectRow(server, id, 'ajax', ajaxWhileOpen)
    assert.deepEqual(
      report.techniques.polling,
      counters({ requests: 1, bytesIn: poll.bytesIn, bytesOut: poll.bytesOut, emptyResponses: 1 })
    )
    assertOtherTechniquesEmpty(report, 'ajax', 'polling')

    await raw.close()
    await expectRow(server, id, 'ajax', { ...ajaxWhileOpen, openConnections: 0 })
  })

  test('polling with keepalive=0 opens one connection per request, and its bytes are exact', async (t) => {
    const server = await startServer(t)
    const id = clientId('close')
    const expected = counters({})
    for (let i = 0; i < 3; i++) {
      publishTicks(server.app, i % 2)
      const raw = await RawClient.connect(server.port)
      const poll = await exchange(
        raw,
        `/feed/polling?after=${server.app.feed.latest - (i % 2)}&keepalive=0&client=${id}`
      )
      await raw.waitForEnd()
      await raw.close()
      expected.requests++
      expected.connectionsOpened++
      expected.bytesIn += raw.bytesWritten
      expected.bytesOut += raw.bytesRead
      assert.equal(poll.bytesOut, raw.bytesRead, 'nothing follows the response on a closed connection')
      if (i % 2) expected.events++
      else expected.emptyResponses++
    }
    const report = await expectRow(server, id, 'polling', expected)
    assertOtherTechniquesEmpty(report, 'polling')
  })

  test('charges a long poll its bytes, its held time and its empty answers', async (t) => {
    const server = await startServer(t)
    const id = clientId('long')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const empty = await exchange(raw, `/feed/long-polling?after=0&timeout=50&client=${id}`)
    assert.equal(empty.status, 204)

    const text = raw.get(`/feed/long-polling?after=0&timeout=5000&client=${id}`)
    raw.send(text)
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 1))
    // While held, the request is already counted and its connection is open.
    await expectRow(
      server,
      id,
      'long-polling',
      counters({
        requests: 2,
        connectionsOpened: 1,
        openConnections: 1,
        bytesIn: empty.bytesIn + Buffer.byteLength(text),
        bytesOut: empty.bytesOut,
        emptyResponses: 1
      })
    )
    publishTicks(server.app, 1)
    const answer = await raw.readResponse()
    assert.equal(answer.status, 200)
    await raw.close()
    const report = await expectRow(
      server,
      id,
      'long-polling',
      counters({
        requests: 2,
        connectionsOpened: 1,
        bytesIn: raw.bytesWritten,
        bytesOut: raw.bytesRead,
        events: 1,
        emptyResponses: 1
      })
    )
    assertOtherTechniquesEmpty(report, 'long-polling')
  })

  test('charges refresh its page bytes and the events the page lists', async (t) => {
    const server = await startServer(t)
    const id = clientId('refresh')
    publishTicks(server.app, 25)
    const raw = await RawClient.connect(server.port)
    const page = await exchange(raw, `/feed/refresh?client=${id}`)
    await raw.close()
    const report = await expectRow(
      server,
      id,
      'refresh',
      counters({ requests: 1, connectionsOpened: 1, bytesIn: page.bytesIn, bytesOut: page.bytesOut, events: 20 })
    )
    assertOtherTechniquesEmpty(report, 'refresh')
  })

  test('counts page traffic under other.page and POSTed chat under other.messages, never in a technique', async (t) => {
    const server = await startServer(t)
    const id = clientId('page')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const stats = await exchange(raw, `/wire?client=${id}`)
    const ticker = await exchange(raw, `/feed/ticker?client=${id}`)
    const body = JSON.stringify({ text: 'hello by POST' })
    const post = [
      `POST /feed/messages?client=${id} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body
    ].join('\r\n')
    const posted = await raw.request(post)
    assert.equal(posted.status, 201)
    const stats2 = await exchange(raw, `/wire?client=${id}`)
    await raw.close()

    // Read in-process: a GET /wire for this client would itself be page traffic.
    await eventually(() => {
      const report = server.app.wire.report(id, server.app.feed.latest)
      assert.deepEqual(
        report.other.page,
        counters({
          requests: 3,
          connectionsOpened: 1,
          bytesIn: stats.bytesIn + ticker.bytesIn + stats2.bytesIn,
          bytesOut: stats.bytesOut + ticker.bytesOut + stats2.bytesOut
        })
      )
      assert.deepEqual(
        report.other.messages,
        counters({ requests: 1, bytesIn: Buffer.byteLength(post), bytesOut: posted.bytes })
      )
      for (const name of techniqueNames) assert.deepEqual(report.techniques[name], emptyCounters(), name)
    })
  })

  test('keeps clients apart, and the report without a client sums them all', async (t) => {
    const server = await startServer(t)
    const [a, b] = [clientId('a'), clientId('b')]
    publishTicks(server.app, 2)
    const rawA = await RawClient.connect(server.port)
    const rawB = await RawClient.connect(server.port)
    await exchange(rawA, `/feed/ajax?after=0&client=${a}`)
    await exchange(rawB, `/feed/ajax?after=1&client=${b}`)
    await exchange(rawB, `/feed/ajax?after=2&client=${b}`)
    await rawA.close()
    await rawB.close()
    await expectRow(
      server,
      a,
      'ajax',
      counters({ requests: 1, connectionsOpened: 1, bytesIn: rawA.bytesWritten, bytesOut: rawA.bytesRead, events: 2 })
    )
    await expectRow(
      server,
      b,
      'ajax',
      counters({
        requests: 2,
        connectionsOpened: 1,
        bytesIn: rawB.bytesWritten,
        bytesOut: rawB.bytesRead,
        events: 1,
        emptyResponses: 1
      })
    )
    const totals = await wireOf(server)
    assert.equal(totals.client, undefined)
    assert.deepEqual(
      totals.techniques.ajax,
      counters({
        requests: 3,
        connectionsOpened: 2,
        bytesIn: rawA.bytesWritten + rawB.bytesWritten,
        bytesOut: rawA.bytesRead + rawB.bytesRead,
        events: 3,
        emptyResponses: 1
      })
    )
    assert.equal(totals.latest, 2)
  })

  test('charges requests without a client id to the totals only', async (t) => {
    const server = await startServer(t)
    const raw = await RawClient.connect(server.port)
    await exchange(raw, '/feed/ajax')
    await raw.close()
    await eventually(async () => {
      const totals = await wireOf(server)
      assert.equal(totals.techniques.ajax.requests, 1)
      assert.equal(totals.techniques.ajax.bytesIn, raw.bytesWritten)
      assert.equal(totals.techniques.ajax.bytesOut, raw.bytesRead)
    })
  })

  test('charges a connection that carried no valid request to the page row of the totals', async (t) => {
    const server = await startServer(t)
    const silent = await RawClient.connect(server.port)
    await silent.close()
    const garbled = await RawClient.connect(server.port)
    garbled.send('NOT HTTP AT ALL\r\n\r\n')
    await garbled.waitForEnd()
    assert.match(garbled.pending, /^HTTP\/1\.1 400 Bad Request/)
    await garbled.close()
    await eventually(() => {
      // Read in-process, so no request of our own adds to the page row.
      const { other, techniques } = server.app.wire.report(undefined, 0)
      assert.deepEqual(
        other.page,
        counters({ connectionsOpened: 2, bytesIn: garbled.bytesWritten, bytesOut: garbled.bytesRead })
      )
      for (const name of techniqueNames) assert.deepEqual(techniques[name], emptyCounters(), name)
    })
  })

  test('a report for an unknown client is all zeros, with the feed position and the time', async (t) => {
    const server = await startServer(t)
    publishTicks(server.app, 4)
    const before = Date.now()
    const report = await wireOf(server, 'nobody')
    assert.equal(report.client, 'nobody')
    assert.equal(report.latest, 4)
    assert.ok(report.at >= before && report.at <= Date.now())
    for (const name of techniqueNames) assert.deepEqual(report.techniques[name], emptyCounters())
    assert.deepEqual(report.other.messages, emptyCounters())
  })
})
