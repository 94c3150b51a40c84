import assert from 'node:assert/strict'
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https'
import { connect as connectTcp } from 'node:net'
import { describe, type TestContext, test } from 'node:test'
import { connect as connectTls } from 'node:tls'
import { countingDuplex } from '../../../src/server/wire/h2/counting-duplex.ts'
import { FrameReader, frameHeaderBytes } from '../../../src/server/wire/h2/frame-reader.ts'
import { isTechniqueName, type RowName, techniqueNames } from '../../../src/shared/techniques.ts'
import type { WireCounters, WireReport } from '../../../src/shared/wire-stats.ts'
import { connectH2 } from '../../h2-client.ts'
import { clientId, eventually, publishTicks, startServer, type TestServer, testTlsCredentials } from '../../helper.ts'

/** Bytes per stream as the client's side of the connection saw them: `in` is what the server read. */
type Seen = Map<number, { in: number; out: number }>

/**
 * An HTTP/2 connection whose frames the test reads itself, on the client's side: the client's TCP
 * socket, its TLS socket, and a frame reader each way between TLS and Node's HTTP/2 client.
 */
async function readClientSide(t: TestContext, server: TestServer) {
  const { cert } = await testTlsCredentials()
  const seen: Seen = new Map()
  const add = (streamId: number, way: 'in' | 'out', bytes: number) => {
    const stream = seen.get(streamId) ?? { in: 0, out: 0 }
    stream[way] += bytes
    seen.set(streamId, stream)
  }
  const sent = new FrameReader(
    {
      frame: (frame) => add(frame.streamId, 'in', frameHeaderBytes + frame.length),
      preface: (bytes) => add(0, 'in', bytes)
    },
    { clientSide: true }
  )
  const received = new FrameReader(
    { frame: (frame) => add(frame.streamId, 'out', frameHeaderBytes + frame.length) },
    { clientSide: false }
  )
  const tcp = connectTcp(server.port, '127.0.0.1')
  const tls = connectTls({ socket: tcp, ca: cert, servername: 'localhost', ALPNProtocols: ['h2'] })
  const h2 = await connectH2(t, server, () =>
    countingDuplex(tls, { read: (chunk) => received.push(chunk), written: (chunk) => sent.push(chunk) })
  )
  return { h2, seen, tcp, tls }
}

/** The row a path's traffic belongs to: `/feed/<technique>` is the technique's, anything else the page's. */
function rowOf(path: string): RowName {
  const name = /^\/feed\/([a-z-]+)/.exec(path)?.[1] ?? ''
  return isTechniqueName(name) ? name : 'page'
}

const rowsOf = (report: WireReport): Record<RowName, WireCounters> => ({ ...report.techniques, ...report.other })

describe('WireAccounting over HTTP/2', () => {
  test('charges each stream its frames to the byte, as a reader on the client side counts them, and stream 0 and TLS to the connection row', async (t) => {
    const server = await startServer(t, { http2: true })
    const { app } = server
    const client = clientId('h2-bytes')
    const { h2, seen, tcp, tls } = await readClientSide(t, server)
    const paths = new Map<number, string>()
    const get = async (path: string) => {
      const answer = await h2.get(path)
      paths.set(answer.streamId, path.split('?')[0] ?? '')
      return answer
    }
    publishTicks(app, 2)
    await get(`/wire?client=${client}`)
    const firstPoll = await get(`/feed/polling?client=${client}&after=0`)
    const secondPoll = await get(`/feed/polling?client=${client}&after=2`)
    await get(`/feed/ajax?client=${client}`)
    await get(`/feed/refresh?client=${client}`)
    const sse = await h2.open(`/feed/sse?client=${client}&after=2`)
    paths.set(sse.streamId, '/feed/sse')
    const stream = await h2.open(`/feed/fetch-stream?client=${client}&after=2`)
    paths.set(stream.streamId, '/feed/fetch-stream')
    const frame = await h2.open(`/feed/iframe-stream?client=${client}&after=2`)
    paths.set(frame.streamId, '/feed/iframe-stream')
    const longPoll = get(`/feed/long-polling?client=${client}&after=2`)
    await eventually(() => assert.equal(app.wire.report(client, 0).techniques['long-polling'].requests, 1))

    // While they are open: all these streams share the one connection.
    const during = app.wire.report(client, app.feed.latest)
    assert.deepEqual(during.connectionsNow, { http1: 0, http2: 1 })
    for (const name of ['sse', 'fetch-stream', 'iframe-stream', 'long-polling'] as const)
      assert.equal(during.techniques[name].openConnections, 1, `${name} has a stream open on it`)
    assert.equal(during.techniques.polling.openConnections, 0, 'no poll is open on it now')

    publishTicks(app, 3)
    await longPoll
    await sse.until((text) => text.includes('id: 5'))
    await stream.until((text) => text.includes('"id":5'))
    await frame.until((text) => text.includes('"id":5'))
    for (const open of [sse, stream, frame]) open.cancel()
    await Promise.all([sse.closed, stream.closed, frame.closed])
    await h2.close()
    await eventually(() => assert.ok(tcp.destroyed && tls.destroyed, 'both sockets destroyed'))
    const report = await eventually(() => {
      const closed = app.wire.report(client, app.feed.latest)
      assert.deepEqual(closed.connectionsNow, { http1: 0, http2: 0 })
      return closed
    })
    const rows = rowsOf(report)

    const expected = new Map<RowName, { in: number; out: number }>()
    for (const [id, bytes] of seen) {
      const row = id === 0 ? 'connection' : rowOf(paths.get(id) ?? '?')
      const sum = expected.get(row) ?? { in: 0, out: 0 }
      sum.in += bytes.in
      sum.out += bytes.out
      expected.set(row, sum)
    }
    const connectionFrames = expected.get('connection') ?? { in: 0, out: 0 }
    assert.ok(connectionFrames.in >= 24 + 9 && connectionFrames.out >= 9, 'the preface and SETTINGS at least')
    for (const [row, bytes] of expected) {
      if (row === 'connection') continue
      assert.deepEqual(
        [rows[row].bytesIn, rows[row].bytesOut],
        [bytes.in, bytes.out],
        `${row}: server = client-side reader`
      )
    }
    // TLS's own bytes (handshake, record headers, tags) are the connection's, on top of its stream-0 frames.
    const tlsIn = tcp.bytesWritten - tls.bytesWritten
    const tlsOut = tcp.bytesRead - tls.bytesRead
    assert.ok(tlsIn > 0 && tlsOut > 0)
    assert.deepEqual(
      [rows.connection.bytesIn, rows.connection.bytesOut],
      [connectionFrames.in + tlsIn, connectionFrames.out + tlsOut],
      'connection row = stream-0 frames and preface + TLS'
    )
    const all = Object.values(rows)
    const sum = (field: 'bytesIn' | 'bytesOut') => all.reduce((total, row) => total + row[field], 0)
    assert.deepEqual([sum('bytesIn') - tlsIn, sum('bytesOut') - tlsOut], [tls.bytesWritten, tls.bytesRead], 'plaintext')
    assert.deepEqual([sum('bytesIn'), sum('bytesOut')], [tcp.bytesWritten, tcp.bytesRead], 'on the wire')

    // One handshake, charged to the first request's row; every technique after it opened none.
    assert.equal(rows.page.connectionsOpened, 1)
    for (const name of techniqueNames) assert.equal(rows[name].connectionsOpened, 0, name)
    for (const [name, row] of Object.entries(rows)) {
      assert.equal(row.requestsOverHttp2, row.requests, `${name}: every request came over HTTP/2`)
      assert.equal(row.openConnections, 0, `${name}: nothing open after the close`)
    }
    assert.equal(rows.polling.requests, 2)
    assert.equal(rows.polling.events, 2)
    assert.equal(rows.polling.emptyResponses, 1)
    assert.equal(rows['long-polling'].events, 1, 'answered as the first of the three was published')
    assert.equal(rows.sse.events, 3)
    console.log(
      `h2 frames: poll ${JSON.stringify(seen.get(firstPoll.streamId))} then ${JSON.stringify(seen.get(secondPoll.streamId))}; connection row ${rows.connection.bytesIn}/${rows.connection.bytesOut} (TLS ${tlsIn}/${tlsOut})`
    )
  })

  test('the tap keeps each frame in one TLS record, as Node does untapped: 22 bytes of TLS per event', async (t) => {
    const server = await startServer(t, { http2: true })
    const { app } = server
    const { h2, tcp, tls } = await readClientSide(t, server)
    const sse = await h2.open(`/feed/sse?client=${clientId('h2-records')}&after=0`)
    await sse.until((text) => text.includes('retry:'))
    const tlsBytes = () => tcp.bytesRead - tls.bytesRead
    const before = tlsBytes()
    const events = 20
    for (let i = 0; i < events; i++) {
      const { id } = app.feed.publish('tick', { value: i })
      await sse.until((text) => text.includes(`id: ${id}\n`))
    }
    // TLS 1.3 with AES-GCM: a 5-byte record header, a 16-byte tag and the 1-byte content type per record.
    const perEvent = (tlsBytes() - before) / events
    assert.ok(perEvent <= 22 + 2, `TLS bytes per event: ${perEvent} (two records per frame would be 44)`)
  })

  test('counts HTTP/1.1 on the same server by its plaintext, TLS to the connection row; connectionsNow by protocol', async (t) => {
    const server = await startServer(t, { http2: true })
    const client = clientId('h1-on-h2')
    const { cert } = await testTlsCredentials()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    t.after(() => agent.destroy())
    const options = { ca: cert, agent, ALPNProtocols: ['http/1.1'] } as RequestOptions
    const sockets: import('node:tls').TLSSocket[] = []
    const h1Get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        httpsRequest(`${server.url}${path}`, options, (response) => {
          sockets.push(response.socket as import('node:tls').TLSSocket)
          response.resume().on('end', () => resolve(response.statusCode ?? 0))
        })
          .on('error', reject)
          .end()
      })
    assert.equal(await h1Get(`/feed/polling?client=${client}&after=0`), 200)
    assert.equal(await h1Get(`/feed/polling?client=${client}&after=0`), 200)
    const { h2 } = await readClientSide(t, server)
    await h2.get(`/feed/ajax?client=${client}`)
    const open = server.app.wire.report(client, 0)
    assert.deepEqual(open.connectionsNow, { http1: 1, http2: 1 })
    assert.equal(open.techniques.polling.requests, 2)
    assert.equal(open.techniques.polling.requestsOverHttp2, 0)
    assert.equal(open.techniques.polling.connectionsOpened, 1)
    assert.equal(open.techniques.ajax.requestsOverHttp2, 1)
    assert.equal(open.techniques.ajax.connectionsOpened, 1, 'the HTTP/2 connection’s handshake, on its first stream')

    const [socket] = sockets
    assert.ok(socket && sockets.every((same) => same === socket), 'one keep-alive connection')
    const plain = { in: socket.bytesWritten, out: socket.bytesRead }
    agent.destroy()
    await h2.close()
    const report = await eventually(() => {
      const closed = server.app.wire.report(client, 0)
      assert.deepEqual(closed.connectionsNow, { http1: 0, http2: 0 })
      return closed
    })
    // The HTTP/1.1 connection's row is what HTTP wrote inside TLS: request heads and answers, in plaintext.
    assert.deepEqual([report.techniques.polling.bytesIn, report.techniques.polling.bytesOut], [plain.in, plain.out])
    console.log(
      `HTTP/1.1 inside TLS: 2 polls ${plain.in}/${plain.out} B; ajax over h2 ${report.techniques.ajax.bytesIn}/${report.techniques.ajax.bytesOut} B`
    )
  })

  test('a stream refused before any route (no handler, 404) is the page’s own traffic', async (t) => {
    const server = await startServer(t, { http2: true })
    const client = clientId('h2-refused')
    const { h2 } = await readClientSide(t, server)
    const refused = await h2.get(`/feed/nothing-here?client=${client}`)
    assert.equal(refused.status, 404)
    const bad = await h2.get(`/feed/polling?client=${client}&after=-1`)
    assert.equal(bad.status, 400)
    const report = server.app.wire.report(client, 0)
    assert.equal(report.other.page.requests, 1)
    assert.equal(report.other.page.requestsOverHttp2, 1)
    assert.ok(report.other.page.bytesOut > 0)
    assert.equal(report.techniques.polling.requests, 1, 'a refused poll is still a poll the technique made')
  })
})
