import assert from 'node:assert/strict'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { describe, type TestContext, test } from 'node:test'
import type { TLSSocket } from 'node:tls'
import WebSocket from 'ws'
import type { FeedEvent, FeedPage } from '../src/shared/feed-event.ts'
import type { FeedServerMessage } from '../src/shared/websocket-messages.ts'
import { eventIds } from './clients.ts'
import { connectH2 } from './h2-client.ts'
import {
  asPresenter,
  clientId,
  eventually,
  Inbox,
  publishTicks,
  range,
  startServer,
  type TestServer,
  testTlsCredentials
} from './helper.ts'

const sseIds = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]))
const ndjsonIds = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      const item = JSON.parse(line) as FeedEvent | { reset: true }
      return 'id' in item ? [item.id] : []
    })
const frameIds = (text: string) =>
  [...text.matchAll(/postMessage\((.*), location\.origin\)/g)].flatMap((match) => {
    const item = JSON.parse(match[1] ?? '{}') as FeedEvent | { reset: true }
    return 'id' in item ? [item.id] : []
  })

/** HTTPS on a connection of its own that offers only HTTP/1.1 in ALPN (Node's types omit the TLS option). */
async function http1Options(): Promise<RequestOptions> {
  const { cert } = await testTlsCredentials()
  return { ca: cert, agent: false, ALPNProtocols: ['http/1.1'] } as RequestOptions
}

/** An HTTPS request that offers only HTTP/1.1 in ALPN, on a connection of its own. */
async function http1Get(
  server: TestServer,
  path: string
): Promise<{ status: number; httpVersion: string; headers: Record<string, unknown>; body: string; alpn: string }> {
  const options = await http1Options()
  return new Promise((resolve, reject) => {
    httpsRequest(`${server.url}${path}`, options, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (text: string) => (body += text))
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          httpVersion: response.httpVersion,
          headers: response.headers,
          body,
          alpn: String((response.socket as TLSSocket).alpnProtocol)
        })
      )
    })
      .on('error', reject)
      .end()
  })
}

/** Opens a wss:// WebSocket from the server's own origin (an HTTP/1.1 Upgrade on the HTTP/2 server's port). */
async function openWss(t: TestContext, server: TestServer, path: string) {
  const { cert } = await testTlsCredentials()
  const ws = new WebSocket(`${server.url.replace('https', 'wss')}${path}`, {
    headers: { origin: server.origin },
    ca: cert
  })
  t.after(() => ws.terminate())
  const messages = new Inbox<FeedServerMessage>()
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as FeedServerMessage))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  return { ws, messages }
}

/** Collects the warnings the process emits while a test runs. */
function warningsDuring(t: TestContext): Error[] {
  const warnings: Error[] = []
  const listener = (warning: Error) => warnings.push(warning)
  process.on('warning', listener)
  t.after(() => process.off('warning', listener))
  return warnings
}

describe('HTTP/2', () => {
  // First: Node warns of a dropped header once per process, so a later test would hear nothing.
  test('emits no warning: no HTTP/1.1-only header is handed to HTTP/2', async (t) => {
    const warnings = warningsDuring(t)
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    await h2.get('/feed/polling?keepalive=0')
    const sse = await h2.open('/feed/sse')
    await sse.until((text) => text.startsWith('retry:'))
    sse.cancel()
    await sse.closed
    await h2.get('/')
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(
      warnings.map((warning) => `${warning.name}: ${warning.message}`),
      []
    )
  })

  test('every technique delivers over one HTTP/2 connection, resumes from its cursor and loses nothing', async (t) => {
    const server = await startServer(t, { http2: true })
    const { app } = server
    let handshakes = 0
    app.server.on('secureConnection', () => handshakes++)
    const h2 = await connectH2(t, server)
    const client = clientId('h2')
    publishTicks(app, 3)

    const page = await h2.get(`/feed/refresh?client=${client}`)
    assert.equal(page.status, 200)
    assert.match(page.body, /data-latest="3"/)

    const ajax = await h2.get(`/feed/ajax?client=${client}&after=1`)
    assert.deepEqual(
      (JSON.parse(ajax.body) as FeedPage).events.map((event) => event.id),
      [2, 3]
    )

    // Polling and long polling: each asks after the last id it got, until it has every event.
    for (const technique of ['polling', 'long-polling'] as const) {
      const received: number[] = []
      let cursor = 0
      const wanted = app.feed.latest + 2 // what the feed has, and two events published while it asks
      while (received.length < wanted) {
        const answering = h2.get(`/feed/${technique}?client=${client}&after=${cursor}`)
        if (technique === 'long-polling' && cursor === app.feed.latest) setTimeout(() => publishTicks(app, 1), 50)
        const answer = await answering
        if (answer.status === 204) continue
        const { events } = JSON.parse(answer.body) as FeedPage
        received.push(...events.map((event) => event.id))
        cursor = events.at(-1)?.id ?? cursor
        if (technique === 'polling' && cursor === app.feed.latest) publishTicks(app, 1)
      }
      assert.deepEqual(received, range(1, received.length), technique)
    }

    // The three streams at once on the same connection, each from its own cursor.
    const from = app.feed.latest
    const sse = await h2.open(`/feed/sse?client=${client}`, { 'last-event-id': String(from - 1) })
    const fetchStream = await h2.open(`/feed/fetch-stream?client=${client}&after=${from - 2}`)
    const frame = await h2.open(`/feed/iframe-stream?client=${client}&after=${from - 3}`)
    for (const stream of [sse, fetchStream, frame]) assert.equal(stream.status, 200)
    assert.equal(sse.headers.connection, undefined, 'no HTTP/1.1-only header over HTTP/2')
    publishTicks(app, 2)
    const latest = app.feed.latest
    assert.deepEqual(sseIds(await sse.until((text) => sseIds(text).includes(latest))), range(from, latest))
    assert.deepEqual(
      ndjsonIds(await fetchStream.until((text) => ndjsonIds(text).includes(latest))),
      range(from - 1, latest)
    )
    assert.deepEqual(frameIds(await frame.until((text) => frameIds(text).includes(latest))), range(from - 2, latest))

    // EventSource's way back: a new stream with the last id it saw misses nothing.
    sse.cancel()
    assert.equal(await sse.closed, 8)
    publishTicks(app, 1)
    const again = await h2.open(`/feed/sse?client=${client}`, { 'last-event-id': String(latest) })
    assert.deepEqual(sseIds(await again.until((text) => sseIds(text).length > 0)), [latest + 1])

    assert.equal(handshakes, 1, 'one TLS connection carried every request')
    assert.equal(h2.session.alpnProtocol, 'h2')
  })

  test('HTTP/1.1 and the WebSocket are served on the same port; keepalive=0 closes only HTTP/1.1', async (t) => {
    const server = await startServer(t, { http2: true })
    const h1 = await http1Get(server, '/feed/polling?keepalive=0')
    assert.equal(h1.alpn, 'http/1.1')
    assert.equal(h1.httpVersion, '1.1')
    assert.equal(h1.status, 200)
    assert.equal(h1.headers.connection, 'close')

    const h2 = await connectH2(t, server)
    const polled = await h2.get('/feed/polling?keepalive=0')
    assert.equal(polled.status, 200)
    assert.equal(polled.headers.connection, undefined)
    assert.equal(h2.session.closed, false, 'the HTTP/2 connection stays open')

    const { ws, messages } = await openWss(t, server, `/feed/websocket?client=${clientId('ws')}&after=0`)
    publishTicks(server.app, 2)
    assert.deepEqual(eventIds(await messages.waitUntil((items) => eventIds(items).length >= 2)), [1, 2])
    ws.close()
  })

  test('the Origin check knows its own host over HTTP/2 (:authority, no Host header)', async (t) => {
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    const stream = await h2.open('/wire/origin-check', { ':method': 'POST', origin: server.origin })
    await stream.closed
    const verdict = JSON.parse(stream.text()) as { accepted: boolean; host: string }
    assert.equal(verdict.host, `127.0.0.1:${server.port}`)
    assert.equal(verdict.accepted, true)
  })

  test('closes promptly with streams open over HTTP/2 and over HTTP/1.1', async (t) => {
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    const sse = await h2.open('/feed/sse')
    const longPoll = h2.get('/feed/long-polling?after=0')
    const { ws } = await openWss(t, server, '/feed/websocket')
    const wsClosed = new Promise((resolve) => ws.once('close', resolve))
    const options = await http1Options()
    const h1Stream = new Promise<void>((resolve, reject) => {
      httpsRequest(`${server.url}/feed/sse`, options, (response) => {
        response.on('error', () => {})
        response.once('data', () => resolve())
      })
        .on('error', reject)
        .end()
    })
    await h1Stream
    await sse.until((text) => text.startsWith('retry:'))
    const started = Date.now()
    await server.app.close()
    const took = Date.now() - started
    assert.ok(took < 1500, `app.close() took ${took} ms`)
    await sse.closed
    assert.equal((await longPoll).status, 204, 'the held poll is answered, empty, before the connection goes')
    await wsClosed
  })

  test('dropping a technique over HTTP/2 resets its streams only: the connection and the page’s other streams carry on', async (t) => {
    const server = await startServer(t, { http2: true })
    const client = clientId('h2-drop')
    const h2 = await connectH2(t, server)
    const sse = await h2.open(`/feed/sse?client=${client}`)
    const stream = await h2.open(`/feed/fetch-stream?client=${client}&after=0`)
    await sse.until((text) => text.startsWith('retry:'))
    const drop = await h2.send(`/wire/drop?client=${client}`, { client, technique: 'sse' })
    assert.equal(drop.status, 200)
    assert.deepEqual(JSON.parse(drop.body), { dropped: 1 })
    assert.equal(await sse.closed, 8, 'RST_STREAM CANCEL')
    publishTicks(server.app, 1)
    await stream.until((text) => text.includes('"id":1'))
    assert.equal(h2.session.closed, false)
    // EventSource comes back on the same connection, from its last id.
    const again = await h2.open(`/feed/sse?client=${client}`, { 'last-event-id': '0' })
    await again.until((text) => text.includes('id: 1'))
    assert.equal(server.app.wire.report(client, 1).techniques['fetch-stream'].openConnections, 1)
  })

  test('the classroom’s network cut destroys the HTTP/2 connections, and new requests fail until restored', async (t) => {
    const server = await startServer(t, { http2: true })
    const student = await connectH2(t, server)
    const sse = await student.open(`/feed/sse?client=${clientId('h2-cut')}`)
    await sse.until((text) => text.startsWith('retry:'))
    const teacher = await connectH2(t, server)
    const cut = await teacher.send('/classroom/cut', { seconds: 30 }, asPresenter)
    assert.equal(cut.status, 200)
    assert.equal((JSON.parse(cut.body) as { dropped: number }).dropped, 1, 'one connection carried a technique')
    await sse.closed
    await eventually(() => assert.equal(student.session.destroyed, true, 'the whole connection is gone'))
    assert.equal(teacher.session.closed, false, 'the teacher’s connection carried no technique')

    const late = await connectH2(t, server)
    const closed = new Promise((resolve) => late.session.once('close', resolve))
    late.session.request({ ':path': `/feed/polling?client=${clientId('late')}` }).on('error', () => {})
    await closed
    await teacher.send('/classroom/cut', { seconds: 0 }, asPresenter)
    const restored = await connectH2(t, server)
    assert.equal((await restored.get('/feed/polling')).status, 200)
  })

  test('hands every frame, both ways and with its payload, to whoever subscribes to app.http2Frames', async (t) => {
    const server = await startServer(t, { http2: true })
    const seen: { direction: string; type: number; streamId: number; payload: string }[] = []
    const stop = server.app.http2Frames.subscribe((_session, frame) =>
      seen.push({ ...frame, payload: frame.payload.toString('latin1') })
    )
    t.after(stop)
    const h2 = await connectH2(t, server)
    const answer = await h2.get('/feed/ajax')
    const onStream = seen.filter((frame) => frame.streamId === answer.streamId)
    const [request, head, ...body] = onStream.map((frame) => `${frame.direction} ${frame.type}`)
    assert.deepEqual([request, head], ['in 1', 'out 1'], 'HEADERS in, HEADERS out')
    // Node's compatibility layer ends the stream with an empty DATA frame of its own.
    assert.ok(body.length > 0 && body.every((frame) => frame === 'out 0'), `then DATA out: ${body}`)
    assert.equal(
      onStream
        .slice(2)
        .map((frame) => frame.payload)
        .join(''),
      answer.body
    )
    assert.ok(
      seen.some((frame) => frame.streamId === 0 && frame.type === 4 && frame.direction === 'in'),
      'SETTINGS'
    )
  })
})
