import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { CaptureStore } from '../../../src/server/wire/capture/capture-store.ts'
import type { CaptureReport, ClosedItem, FrameItem, RequestItem, ResponseItem } from '../../../src/shared/capture.ts'
import type { WireLiveServerMessage } from '../../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../../clients.ts'
import { clientId, delay, errorBody, eventually, publishTicks, startServer } from '../../helper.ts'
import { chunksOf, RawClient } from '../../raw-http.ts'
import {
  captureOf,
  exchangeRaw,
  ofKind,
  startServerWithUpload,
  upgradeWithPingBehind,
  uploadPath
} from './capture-helper.ts'

describe('capture of HTTP exchanges', () => {
  test('keeps request heads as a raw client spelled them (Node trims the space around values), and response heads byte for byte', async (t) => {
    const server = await startServer(t)
    const id = clientId('heads')
    publishTicks(server.app, 2)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const sent = [
      `GET /feed/ajax?client=${id}&after=0 HTTP/1.1`,
      `hOsT: 127.0.0.1:${server.port}`,
      'X-wEiRd-CaSe:   spaced  value ',
      'accept: application/json',
      '',
      ''
    ].join('\r\n')
    const { head, body, status } = await exchangeRaw(raw, sent)
    assert.equal(status, 200)

    const { items } = await captureOf(server, id, 'ajax')
    const [request, response] = items as [RequestItem, ResponseItem]
    assert.deepEqual(
      items.map((item) => item.kind),
      ['request', 'response']
    )
    // Rebuilt from Node's parse (see tapSocket): names and order as sent, values without the optional whitespace.
    const parsed = sent.replace('X-wEiRd-CaSe:   spaced  value ', 'X-wEiRd-CaSe: spaced  value')
    assert.equal(request.source, 'parsed-by-node')
    assert.equal(request.head, parsed)
    assert.equal(request.headBytes, Buffer.byteLength(parsed))
    assert.equal(request.bodyBytes, 0)
    assert.equal(request.truncated, false)
    assert.equal(response.head, head)
    assert.equal(response.headBytes, Buffer.byteLength(head))
    assert.equal(response.status, 200)
    assert.equal(response.bodyBytes, Buffer.byteLength(body))
    assert.equal(response.bodyStart, body)
    assert.ok(response.endAt !== undefined && response.endAt >= response.at && response.at >= request.at)
    assert.ok(response.seq === request.seq + 1)
    assert.ok(items.every((item) => item.technique === 'ajax' && item.connection === request.connection))
  })

  test('marks the first request of a kept-alive connection new and the next one reused, on the same connection', async (t) => {
    const server = await startServer(t)
    const id = clientId('reuse')
    const raw = await RawClient.connect(server.port)
    await exchangeRaw(raw, raw.get(`/feed/ajax?client=${id}`))
    await exchangeRaw(raw, raw.get('/wire')) // the page's own traffic on the same socket is not stored
    await exchangeRaw(raw, raw.get(`/feed/polling?client=${id}`))
    await raw.close()

    const { items } = await eventually(async () => {
      const report = await captureOf(server, id)
      assert.equal(report.items.at(-1)?.kind, 'closed')
      return report
    })
    const requests = ofKind(items, 'request')
    assert.deepEqual(
      requests.map((request) => [request.technique, request.newConnection]),
      [
        ['ajax', true],
        ['polling', false]
      ]
    )
    assert.equal(requests[0]?.connection, requests[1]?.connection)
    assert.equal(requests[0]?.connectedAt, requests[1]?.connectedAt)
    assert.equal(ofKind(items, 'response').length, 2)
    const closed = items.at(-1) as ClosedItem
    assert.equal(closed.technique, 'polling')
    assert.equal(closed.connection, requests[0]?.connection)
    assert.equal(closed.bytesIn, raw.bytesWritten)
    assert.equal(closed.bytesOut, raw.bytesRead)
  })

  test('stays in step through pipelined requests, a bodiless HEAD answer and a chunked request body', async (t) => {
    const server = await startServerWithUpload(t)
    const id = clientId('pipe')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const host = `Host: 127.0.0.1:${server.port}`
    const chunkedBody = '5\r\nhello\r\n0\r\n\r\n'
    raw.send(
      [
        `HEAD /feed/ajax?client=${id} HTTP/1.1\r\n${host}\r\n\r\n`,
        `POST ${uploadPath}?client=${id} HTTP/1.1\r\n${host}\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n${chunkedBody}`,
        `GET /feed/ajax?client=${id}&after=0 HTTP/1.1\r\n${host}\r\n\r\n`
      ].join('')
    )
    await raw.waitForText((text) => text.split('HTTP/1.1 ').length === 4 && text.endsWith('}'))

    const { items } = await eventually(async () => {
      const report = await captureOf(server, id, 'ajax')
      assert.equal(report.items.length, 6)
      return report
    })
    const requests = ofKind(items, 'request')
    const responses = ofKind(items, 'response')
    assert.deepEqual(
      requests.map((request) => request.head.split(' ')[0]),
      ['HEAD', 'POST', 'GET']
    )
    // Node's parser read these requests: a chunked body is counted as Node delivered it, framing removed.
    assert.deepEqual(
      requests.map((request) => [request.source, request.bodyBytes]),
      [
        ['parsed-by-node', 0],
        ['parsed-by-node', 'hello'.length],
        ['parsed-by-node', 0]
      ]
    )
    assert.deepEqual(
      responses.map((response) => response.status),
      [200, 200, 200]
    )
    assert.equal(responses[0]?.bodyBytes, 0, 'a HEAD answer has no body, whatever its Content-Length says')
    assert.equal(responses[2]?.bodyStart, '{"events":[],"latest":0}')
  })

  test('shows a streamed (SSE) response at its head, then each chunk exactly as the client de-chunks it', async (t) => {
    const server = await startServer(t)
    const id = clientId('sse')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    raw.send(raw.get(`/feed/sse?client=${id}`))
    await raw.waitForText((text) => text.includes('retry:'))
    publishTicks(server.app, 3)
    // How Node groups the blocks into chunks is its own (Node 26 sends the writes of one tick as one
    // chunk): the capture must show the chunks that crossed the wire, whatever they are.
    const wire = (text: string) => chunksOf(text.slice(text.indexOf('\r\n\r\n') + 4)).chunks
    const received = await raw.waitForText((text) => wire(text).some((chunk) => chunk.text.includes('id: 3\n')))
    const headEnd = received.indexOf('\r\n\r\n') + 4
    const head = received.slice(0, headEnd)
    const body = received.slice(headEnd)
    const sent = wire(received)

    const { items } = await eventually(async () => {
      const report = await captureOf(server, id, 'sse')
      assert.equal(ofKind(report.items, 'stream').length, sent.length)
      return report
    })
    const [request, response] = items as [RequestItem, ResponseItem]
    assert.equal(request.kind, 'request')
    assert.equal(response.kind, 'response')
    assert.equal(response.head, head)
    assert.equal(response.endAt, undefined, 'a stream that goes on has no end')
    const chunks = ofKind(items, 'stream')
    assert.deepEqual(
      chunks.map(({ chunkSize, text, bytes }) => ({ sizeLine: chunkSize, text, bytes })),
      sent,
      'each chunk with its size line, data and bytes on the wire, framing included'
    )
    assert.equal(
      chunks.reduce((sum, chunk) => sum + chunk.bytes, 0),
      Buffer.byteLength(body),
      'every byte of the body is in a captured chunk'
    )
    // Each write is a whole block, and chunks hold whole writes: retry first, then the events in order.
    const blocks = chunks.flatMap((chunk) => chunk.text.split(/(?<=\n\n)/))
    assert.match(blocks[0] ?? '', /^retry: \d+\n\n$/)
    assert.deepEqual(
      blocks.slice(1).map((block) => /^id: (\d+)\n.*\n\n$/s.exec(block)?.[1]),
      ['1', '2', '3']
    )
  })

  test('does not capture the page, its stats, or requests without a valid client id', async (t) => {
    const server = await startServer(t)
    const id = clientId('other')
    await fetch(`${server.url}/wire?client=${id}`)
    await fetch(`${server.url}/feed/ajax?client=bad%20id`)
    await fetch(`${server.url}/feed/ticker?client=${id}`)
    assert.deepEqual((await captureOf(server, id)).items, [])
    assert.equal(server.app.capture.clientCount, 0)
  })

  test('keeps serving and capturing when a socket sends garbage', async (t) => {
    const server = await startServer(t)
    const id = clientId('garbage')
    const bad = await RawClient.connect(server.port)
    bad.send('\x16\x03\x01 this is not HTTP\r\n\r\n')
    await bad.waitForEnd()
    await bad.close()
    const huge = await RawClient.connect(server.port)
    huge.send(`GET /feed/ajax?client=${id} HTTP/1.1\r\nX-Big: ${'a'.repeat(40 * 1024)}`)
    await huge.waitForEnd()
    await huge.close()
    const response = await fetch(`${server.url}/feed/ajax?client=${id}`)
    assert.equal(response.status, 200)
    await response.text()
    const { items } = await captureOf(server, id, 'ajax')
    assert.deepEqual(
      items.map((item) => item.kind),
      ['request', 'response']
    )
  })
})

describe('capture of WebSocket frames', () => {
  test('decodes exactly what the client sent (masked, in) and received (unmasked, out), in order', async (t) => {
    const server = await startServer(t)
    const id = clientId('frames')
    const { ws, messages, closed } = await openWebSocket(t, server, `/feed/websocket?client=${id}`)
    const received: string[] = []
    ws.on('message', (data) => received.push(String(data)))
    const chat = JSON.stringify({ type: 'chat', text: 'hello wire' })
    const ping = JSON.stringify({ type: 'ping', t: 42 })
    const long = JSON.stringify({ type: 'chat', text: 'y'.repeat(175) })
    assert.equal(Buffer.byteLength(long), 200)
    for (const message of [chat, ping, long]) ws.send(message)
    await messages.waitFor(3)
    ws.close(1000, 'done')
    await closed

    const { items } = await eventually(async () => {
      const report = await captureOf(server, id, 'websocket')
      assert.equal(report.items.at(-1)?.kind, 'closed')
      return report
    })
    assert.deepEqual(
      items.slice(0, 2).map((item) => [item.kind, (item as ResponseItem).status]),
      [
        ['request', undefined],
        ['response', 101]
      ]
    )
    const frames = ofKind(items, 'frame')
    const incoming = frames.filter((frame) => frame.direction === 'in')
    const outgoing = frames.filter((frame) => frame.direction === 'out')
    assert.deepEqual(
      incoming.map((frame) => frame.payload),
      [chat, ping, long, '1000 done']
    )
    assert.deepEqual(
      outgoing.map((frame) => frame.payload),
      [...received, '1000 done']
    )
    assert.deepEqual(
      outgoing.slice(0, 3).map((frame) => JSON.parse(frame.payload).type),
      ['event', 'pong', 'event']
    )
    for (const frame of incoming) {
      assert.equal(frame.masked, true)
      assert.match(frame.maskingKey ?? '', /^[0-9a-f]{8}$/)
    }
    for (const frame of outgoing) {
      assert.equal(frame.masked, false)
      assert.equal(frame.maskingKey, undefined)
    }
    for (const frame of outgoing.slice(0, 3)) {
      // Unmasked: after the header, the wire bytes are the payload itself.
      const payloadHex = Buffer.from(frame.payload)
        .subarray(0, 32 - frame.headerBytes)
        .toString('hex')
      assert.equal(frame.hex.slice(frame.headerBytes * 2), payloadHex)
    }
    const big = incoming[2] as FrameItem
    assert.deepEqual(
      [big.lengthForm, big.payloadLength, big.headerBytes, big.opcodeName, big.fin],
      [16, 200, 8, 'text', true]
    )
    assert.equal(big.hex.slice(0, 16), `81fe00c8${big.maskingKey}`)
    assert.deepEqual([incoming[0]?.lengthForm, incoming[3]?.opcodeName], [7, 'close'])
    const seqs = items.map((item) => item.seq)
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b)
    )
  })

  test('captures once a frame that arrived in the same packet as the Upgrade request', async (t) => {
    const server = await startServer(t)
    const id = clientId('eager')
    const ping = await upgradeWithPingBehind(
      t,
      server,
      [
        `GET /feed/websocket?client=${id} HTTP/1.1`,
        `Host: 127.0.0.1:${server.port}`,
        `Origin: ${server.origin}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        '',
        ''
      ].join('\r\n'),
      7
    )
    const frames = await eventually(async () => {
      const found = ofKind((await captureOf(server, id)).items, 'frame')
      assert.equal(found.length, 2)
      return found
    })
    assert.deepEqual(
      frames.map((item) => [item.direction, item.payload]),
      [
        ['in', String(ping)],
        ['out', '{"type":"pong","t":7}']
      ]
    )
  })

  test('pushes new items to the page on /wire/live, each item once, and nothing when nothing is new', async (t) => {
    const server = await startServer(t)
    const id = clientId('push')
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${id}`)
    await fetch(`${server.url}/feed/ajax?client=${id}`).then((response) => response.text())
    const captures = () => messages.items.flatMap((message) => (message.type === 'capture' ? [message.items] : []))
    await messages.waitUntil(() => captures().flat().length >= 2, 2000, 'request and response pushed')
    await delay(1200)
    const pushed = captures().flat()
    assert.deepEqual(
      pushed.map((item) => [item.kind, item.technique]),
      [
        ['request', 'ajax'],
        ['response', 'ajax']
      ]
    )
    assert.ok(
      messages.items.filter((message) => message.type === 'report').length >= 3,
      'reports go on while captures pause'
    )

    await fetch(`${server.url}/feed/polling?client=${id}`).then((response) => response.text())
    await messages.waitUntil(() => captures().flat().length >= 4, 2000, 'the next exchange pushed')
    const all = captures().flat()
    assert.deepEqual(
      all.slice(2).map((item) => [item.kind, item.technique]),
      [
        ['request', 'polling'],
        ['response', 'polling']
      ]
    )
    const seqs = all.map((item) => item.seq)
    assert.deepEqual(
      seqs,
      [...new Set(seqs)].sort((a, b) => a - b),
      'each item once, oldest first'
    )
  })

  test('tells a page past the capture room that it is not captured, and tells it again once it is', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() })
    const server = await startServer(t)
    const { capture } = server.app
    const item = { kind: 'closed', technique: 'ajax', connection: 1, at: 0, bytesIn: 0, bytesOut: 0 } as const
    for (let i = 0; i < capture.maxPages; i++) {
      assert.ok(capture.admits(`full-${i}`))
      capture.add(`full-${i}`, item)
    }
    const id = clientId('late')
    assert.equal(capture.covers(id), false)
    assert.equal(capture.covers('full-0'), true)
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${id}`)
    const statuses = () => messages.items.filter((message) => message.type === 'capture-status')
    await messages.waitUntil(() => statuses().length === 1, 2000, 'told it is not captured')
    assert.deepEqual(statuses()[0], { type: 'capture-status', captured: false, maxPages: 1000 })
    await fetch(`${server.url}/feed/ajax?client=${id}`).then((response) => response.text())
    assert.equal(capture.since(id).length, 0, 'its exchange was not captured')

    // A minute later the captured pages are idle: the next request of this page takes one's place.
    t.mock.timers.tick(61_000)
    assert.equal(capture.covers(id), true, 'covers changes nothing by itself')
    await fetch(`${server.url}/feed/ajax?client=${id}`).then((response) => response.text())
    await messages.waitUntil(() => statuses().length === 2, 2000, 'told it is captured now')
    assert.deepEqual(statuses()[1], { type: 'capture-status', captured: true, maxPages: 1000 })
    assert.equal(capture.since(id).length, 2)
  })
})

describe('capture memory', () => {
  /** Sends `count` GETs pipelined in batches on one raw connection and checks every answer. */
  async function pipelined(raw: RawClient, paths: (i: number) => string, count: number): Promise<void> {
    const batch = 100
    for (let done = 0; done < count; done += batch) {
      const n = Math.min(batch, count - done)
      raw.send(Array.from({ length: n }, (_, i) => raw.get(paths(done + i))).join(''))
      for (let i = 0; i < n; i++) assert.equal((await raw.readResponse(5000)).status, 200)
    }
  }

  test('stays bounded after 10,000 requests from one page and from 10,000 more pages than it remembers', async (t) => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const heapUsed = () => {
      gc()
      return getHeapStatistics().used_heap_size
    }
    const server = await startServer(t)
    const { capture } = server.app
    const id = clientId('many')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())

    // Fill every ring and the client tables first (the capture's 1,000 pages, the counters' 5,000), so what follows
    // can only replace, never add: the counters alone take about 1.3 kB a page.
    await pipelined(raw, () => `/feed/ajax?client=${id}`, 100)
    await pipelined(raw, (i) => `/feed/ajax?client=warm-${i}`, 5000)
    const before = heapUsed()
    const latestBefore = capture.latest

    await pipelined(raw, () => `/feed/ajax?client=${id}`, 10_000)
    assert.equal(capture.since(id).length, 20, 'one page keeps its last 20 exchange items (the page shows 6)')
    await pipelined(raw, (i) => `/feed/polling?client=page-${i}`, 10_000)
    const grown = heapUsed() - before

    // The table was full of pages active within the minute: the 10,000 newcomers are not captured.
    assert.equal(
      capture.latest - latestBefore,
      20_000,
      "every request and response of the captured page, none of the newcomers'"
    )
    assert.equal(capture.clientCount, 1000, 'at most 1000 pages are remembered')
    assert.equal(capture.since(id).length, 20, 'the captured page was not pushed out')
    assert.deepEqual(capture.since('page-9999'), [])
    // Measured about 1 MiB (0.9–1.4 in three runs, 2026-12-07).
    assert.ok(grown < 4 * 1024 * 1024, `heap grew ${(grown / 1024 / 1024).toFixed(1)} MiB`)
  })
})

describe('CaptureStore', () => {
  const frame = (at: number) =>
    ({
      kind: 'frame',
      technique: 'websocket',
      connection: 1,
      at,
      direction: 'out',
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 1,
      opcodeName: 'text',
      masked: false,
      payloadLength: 2,
      lengthForm: 7,
      headerBytes: 2,
      payload: 'hi',
      hex: '81026869',
      truncated: false
    }) as const

  test('when full, admits a new page only in place of one idle for a minute: no churn in a lecture hall', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 })
    const store = new CaptureStore({ maxClients: 2 })
    const item = { kind: 'closed', technique: 'sse', connection: 1, at: 0, bytesIn: 0, bytesOut: 0 } as const
    for (const client of ['a', 'b']) {
      assert.ok(store.admits(client))
      store.add(client, item)
    }
    assert.equal(store.admits('c'), false, 'both pages are active')
    assert.ok(store.admits('a'), 'a page already captured stays captured')
    t.mock.timers.tick(30_000)
    store.add('b', item)
    t.mock.timers.tick(40_000)
    assert.ok(store.admits('c'), 'a has been idle 70 s: forgotten for c')
    store.add('c', item)
    assert.deepEqual(store.since('a'), [])
    assert.equal(store.since('b').length, 2)
    assert.equal(store.admits('d'), false, 'b was active 40 s ago')
  })

  test('numbers items one by one, stamps the simulated RTT of the moment, and keeps heads through a long frame stream', () => {
    let rtt = 0
    const store = new CaptureStore({ rttMs: () => rtt, exchangesPerTechnique: 3, trafficPerTechnique: 5 })
    const head = 'GET /feed/websocket?client=a HTTP/1.1\r\n\r\n'
    const request = {
      kind: 'request',
      technique: 'websocket',
      connection: 1,
      at: 0,
      source: 'socket-bytes',
      newConnection: true,
      connectedAt: 0
    } as const
    store.add('a', { ...request, head, headBytes: head.length, bodyBytes: 0, truncated: false })
    rtt = 150
    for (let i = 1; i <= 20; i++) store.add('a', frame(i))
    const items = store.since('a')
    assert.deepEqual(
      items.map((item) => item.seq),
      [1, 17, 18, 19, 20, 21]
    )
    assert.equal(items[0]?.kind, 'request', 'the head outlives the frames')
    assert.deepEqual(
      items.map((item) => item.simulatedRttMs),
      [0, 150, 150, 150, 150, 150]
    )
    assert.deepEqual(
      store.since('a', 'websocket', 19).map((item) => item.seq),
      [20, 21]
    )
    assert.deepEqual(store.since('a', 'sse'), [])
    assert.equal(store.latest, 21)
  })
})

describe('GET /wire/capture', () => {
  test('answers only newer items with since=, and the newest seq as latest', async (t) => {
    const server = await startServer(t)
    const id = clientId('since')
    await fetch(`${server.url}/feed/ajax?client=${id}`).then((response) => response.text())
    const first = await captureOf(server, id)
    assert.equal(first.client, id)
    assert.equal(first.latest, first.items.at(-1)?.seq)
    await fetch(`${server.url}/feed/polling?client=${id}`).then((response) => response.text())
    const response = await fetch(`${server.url}/wire/capture?client=${id}&since=${first.latest}`)
    const newer = (await response.json()) as CaptureReport
    assert.deepEqual(
      newer.items.map((item) => [item.kind, item.technique]),
      [
        ['request', 'polling'],
        ['response', 'polling']
      ]
    )
    assert.ok(newer.items.every((item) => item.seq > first.latest))
  })

  for (const [name, query] of [
    ['without a client', ''],
    ['with a malformed client', '?client=a%20b'],
    ['with an unknown technique', '?client=abc&technique=carrier-pigeon'],
    ['with a negative since', '?client=abc&since=-1']
  ] as const) {
    test(`answers 400 JSON ${name}`, async (t) => {
      const server = await startServer(t)
      const response = await fetch(`${server.url}/wire/capture${query}`)
      assert.equal(response.status, 400)
      await errorBody(response)
    })
  }
})
