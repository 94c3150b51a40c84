import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { describe, test } from 'node:test'
import type { RequestItem, WireWatch } from '../../../src/shared/capture.ts'
import { clientId, delay, eventually, startServer, type TestServer } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'
import {
  captureOf,
  exchangeRaw,
  ofKind,
  startServerWithUpload,
  upgradeWithPingBehind,
  uploadPath
} from './capture-helper.ts'

/** Says `client`'s wire view is open, as the page does, from 127.0.0.1. */
async function watch(server: TestServer, client: string): Promise<WireWatch> {
  const response = await fetch(`${server.url}/wire/watch?client=${client}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client })
  })
  assert.equal(response.status, 200)
  return (await response.json()) as WireWatch
}

async function requestsOf(server: TestServer, client: string, count: number): Promise<RequestItem[]> {
  return eventually(async () => {
    const found = ofKind((await captureOf(server, client)).items, 'request')
    assert.equal(found.length, count)
    return found
  })
}

/** Whether Node's HTTP parser still read each technique request from the socket's handle itself (its native path). */
function parserPaths(server: TestServer): { native: boolean; address: string | undefined }[] {
  const paths: { native: boolean; address: string | undefined }[] = []
  server.app.server.on('request', ({ socket, url }: IncomingMessage) => {
    if (!url?.startsWith('/feed/') && !url?.startsWith(uploadPath)) return
    const { parser } = socket as Socket & { parser?: { _consumed?: boolean } }
    paths.push({ native: parser?._consumed === true, address: socket.remoteAddress })
  })
  return paths
}

/** A request with the spacing and case Node's parser normalises away. */
const oddHead = (port: number, target: string) =>
  [
    `GET ${target} HTTP/1.1`,
    `hOsT:   127.0.0.1:${port}  `,
    'X-wEiRd-CaSe:\tspaced  value ',
    'accept:application/json',
    '',
    ''
  ].join('\r\n')

/** A POST whose chunked body is `hello world` in two chunks: 11 bytes of body, 30 bytes on the wire. */
const chunkedPost = (port: number, target: string) =>
  `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n` +
  '5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'
const chunkedWireBytes = Buffer.byteLength('5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n')

describe('request capture: parsed by Node, or the bytes as received', () => {
  test("counts a chunked POST's body as Node delivered it, never 0, and says the request was parsed by Node", async (t) => {
    const server = await startServerWithUpload(t)
    const id = clientId('chunked')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const post = chunkedPost(server.port, `${uploadPath}?client=${id}`)
    const secondChunk = post.indexOf('6\r\n world')
    raw.send(post.slice(0, secondChunk))
    // The second chunk comes in a packet of its own, after Node has begun the request.
    await delay(50)
    raw.send(post.slice(secondChunk))
    const [first] = await requestsOf(server, id, 1)
    assert.equal(first?.source, 'parsed-by-node')
    assert.equal(first?.bodyBytes, 'hello world'.length)
  })

  test('reads a watched page’s requests byte for byte as sent, odd spacing and case included, from the first byte of a new connection', async (t) => {
    const server = await startServerWithUpload(t)
    const id = clientId('watched')
    const answer = await watch(server, id)
    assert.equal(answer.client, id)
    assert.ok(answer.until > Date.now() + 50_000, 'watched for about a minute')
    const paths = parserPaths(server)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const sent = oddHead(server.port, `/feed/ajax?client=${id}&after=0`)
    assert.equal((await exchangeRaw(raw, sent)).status, 200)
    await exchangeRaw(raw, chunkedPost(server.port, `${uploadPath}?client=${id}`))

    const [get, post] = await requestsOf(server, id, 2)
    assert.equal(get?.source, 'socket-bytes')
    assert.equal(get?.head, sent)
    assert.equal(get?.headBytes, Buffer.byteLength(sent))
    assert.equal(get?.newConnection, true)
    assert.equal(post?.source, 'socket-bytes')
    assert.equal(post?.bodyBytes, chunkedWireBytes, 'on the wire: chunk sizes and CRLFs included')
    assert.deepEqual(
      paths.map((path) => path.native),
      [false, false],
      'this socket is read as bytes'
    )
  })

  test('keeps pages whose wire view is not open on Node’s native parser path', async (t) => {
    const server = await startServer(t)
    const paths = parserPaths(server)
    const id = clientId('unwatched')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    await exchangeRaw(raw, oddHead(server.port, `/feed/ajax?client=${id}`))
    await exchangeRaw(raw, oddHead(server.port, `/feed/polling?client=${id}`))

    const requests = await requestsOf(server, id, 2)
    assert.deepEqual(
      requests.map((request) => request.source),
      ['parsed-by-node', 'parsed-by-node']
    )
    assert.match(requests[0]?.head ?? '', /\r\nhOsT: 127\.0\.0\.1:\d+\r\nX-wEiRd-CaSe: spaced {2}value\r\n/)
    assert.deepEqual(
      paths.map((path) => path.native),
      [true, true]
    )
  })

  test('keeps a page from another address on Node’s path while a page is watched', async (t) => {
    const server = await startServer(t)
    await watch(server, clientId('watcher'))
    const paths = parserPaths(server)
    const id = clientId('elsewhere')
    // Linux routes all of 127.0.0.0/8 to loopback: 127.0.0.2 is another machine as far as the server can tell.
    await new Promise<void>((resolve, reject) => {
      const sent = httpRequest(
        `${server.url}/feed/ajax?client=${id}`,
        { localAddress: '127.0.0.2', agent: false, headers: { connection: 'close' } },
        (response) => response.resume().once('end', resolve)
      )
      sent.once('error', reject).end()
    })
    const [request] = await requestsOf(server, id, 1)
    assert.equal(request?.source, 'parsed-by-node')
    assert.deepEqual(paths, [{ native: true, address: '127.0.0.2' }])
  })

  test('turns a kept-alive connection to bytes at the end of the first exchange after its page is watched', async (t) => {
    const server = await startServer(t)
    const id = clientId('switch')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const target = `/feed/polling?client=${id}`
    await exchangeRaw(raw, oddHead(server.port, target))
    await watch(server, id)
    await exchangeRaw(raw, oddHead(server.port, target))
    const third = oddHead(server.port, target)
    await exchangeRaw(raw, third)

    const requests = await requestsOf(server, id, 3)
    assert.deepEqual(
      requests.map((request) => [request.source, request.connection, request.newConnection]),
      [
        ['parsed-by-node', requests[0]?.connection, true],
        ['parsed-by-node', requests[0]?.connection, false],
        ['socket-bytes', requests[0]?.connection, false]
      ]
    )
    assert.equal(requests[2]?.head, third)
  })

  test('reads a watched WebSocket’s Upgrade as bytes and a frame sent in the same packet once', async (t) => {
    const server = await startServer(t)
    const id = clientId('ws-watched')
    await watch(server, id)
    const upgrade = [
      `GET /feed/websocket?client=${id} HTTP/1.1`,
      `host:  127.0.0.1:${server.port}`,
      `Origin: ${server.origin}`,
      'Upgrade: websocket',
      'Connection:   Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      ''
    ].join('\r\n')
    const ping = await upgradeWithPingBehind(t, server, upgrade, 9)

    const items = await eventually(async () => {
      const found = (await captureOf(server, id)).items
      assert.equal(ofKind(found, 'frame').length, 2)
      return found
    })
    const [request] = ofKind(items, 'request')
    assert.equal(request?.source, 'socket-bytes')
    assert.equal(request?.head, upgrade)
    assert.deepEqual(
      ofKind(items, 'frame').map((item) => [item.direction, item.payload]),
      [
        ['in', String(ping)],
        ['out', '{"type":"pong","t":9}']
      ]
    )
  })

  test('answers 400 to a watch without a valid client', async (t) => {
    const server = await startServer(t)
    for (const body of [{}, { client: 'no spaces allowed' }, { client: 'a', extra: 1 }]) {
      const response = await fetch(`${server.url}/wire/watch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
      assert.equal(response.status, 400, JSON.stringify(body))
    }
  })
})
