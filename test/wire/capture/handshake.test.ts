import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import { acceptFor, explainHandshake, websocketGuid } from '../../../src/server/wire/capture/handshake.ts'
import type { CaptureReport, HandshakeExplained } from '../../../src/shared/capture.ts'
import { openWebSocket } from '../../clients.ts'
import { clientId, errorBody, startServer, type TestServer } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'

// RFC 6455 section 1.3's worked example.
const rfcKey = 'dGhlIHNhbXBsZSBub25jZQ=='
const rfcAccept = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='

async function handshakeOf(server: TestServer, client: string): Promise<HandshakeExplained> {
  const response = await fetch(`${server.url}/wire/handshake?client=${client}`)
  assert.equal(response.status, 200)
  return (await response.json()) as HandshakeExplained
}

/** Opens a WebSocket with the `ws` package and resolves with the Accept header it received in the 101. */
function openAndReadAccept(server: TestServer, client: string): Promise<{ ws: WebSocket; accept: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/feed/websocket?client=${client}`, {
    headers: { origin: server.origin }
  })
  let accept = ''
  ws.once('upgrade', (response) => {
    accept = String(response.headers['sec-websocket-accept'])
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, accept }))
    ws.once('error', reject)
  })
}

describe('the opening handshake, explained', () => {
  test("computes RFC 6455's example Accept from its example key", () => {
    assert.equal(acceptFor(rfcKey), rfcAccept)
  })

  test('explains the RFC example step by step and says whether the sent Accept matches', () => {
    const requestHead = `GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${rfcKey}\r\n\r\n`
    const responseHead = (accept: string) =>
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`
    const explained = explainHandshake('abc', { connection: 7, requestHead, responseHead: responseHead(rfcAccept) })
    assert.deepEqual(explained, {
      client: 'abc',
      connection: 7,
      key: rfcKey,
      guid: websocketGuid,
      concatenated: `${rfcKey}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`,
      sha1Hex: 'b37a4f2cc0624f1690f64606cf385945b2bec4ea',
      expectedAccept: rfcAccept,
      sentAccept: rfcAccept,
      matches: true,
      requestHead,
      responseHead: responseHead(rfcAccept)
    })
    const wrong = explainHandshake('abc', { connection: 7, requestHead, responseHead: responseHead('AAAA') })
    assert.equal(wrong.matches, false)
    assert.equal(wrong.sentAccept, 'AAAA')
  })

  test('recomputes a live handshake from the captured heads and matches the Accept the client received', async (t) => {
    const server = await startServer(t)
    const id = clientId('live')
    const { ws, accept } = await openAndReadAccept(server, id)
    t.after(() => ws.terminate())
    const explained = await handshakeOf(server, id)
    assert.equal(explained.matches, true)
    assert.equal(explained.sentAccept, accept)
    assert.equal(explained.expectedAccept, acceptFor(explained.key))
    assert.match(explained.key, /^[A-Za-z0-9+/]{22}==$/)
    assert.match(explained.requestHead, new RegExp(`^GET /feed/websocket\\?client=${id} HTTP/1.1\\r\\n`))
    assert.match(explained.responseHead, /^HTTP\/1.1 101 Switching Protocols\r\n/)

    const capture = (await (await fetch(`${server.url}/wire/capture?client=${id}`)).json()) as CaptureReport
    const [request, response] = capture.items
    assert.equal(explained.connection, request?.connection)
    assert.equal(request?.kind === 'request' && request.head, explained.requestHead)
    assert.equal(response?.kind === 'response' && response.head, explained.responseHead)
  })

  test('keeps the heads exactly as a raw client sent and received them', async (t) => {
    const server = await startServer(t)
    const id = clientId('raw')
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    const sent = [
      `GET /feed/websocket?client=${id} HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      `Origin: ${server.origin}`,
      'upgrade: WebSocket',
      'CONNECTION: keep-alive, Upgrade',
      `sec-websocket-key: ${rfcKey}`,
      'Sec-WebSocket-Version: 13',
      '',
      ''
    ].join('\r\n')
    raw.send(sent)
    const received = await raw.waitForText((text) => text.includes('\r\n\r\n'))
    const explained = await handshakeOf(server, id)
    assert.equal(explained.requestHead, sent)
    assert.equal(explained.responseHead, received.slice(0, received.indexOf('\r\n\r\n') + 4))
    assert.equal(explained.key, rfcKey)
    assert.equal(explained.sentAccept, rfcAccept)
    assert.equal(explained.matches, true)
  })

  test("explains the client's newest WebSocket", async (t) => {
    const server = await startServer(t)
    const id = clientId('newest')
    await openWebSocket(t, server, `/feed/websocket?client=${id}`)
    const first = await handshakeOf(server, id)
    await openWebSocket(t, server, `/feed/websocket?client=${id}`)
    const second = await handshakeOf(server, id)
    assert.ok(second.connection > first.connection)
    assert.notEqual(second.key, first.key)
  })
})

describe('GET /wire/handshake', () => {
  test('answers 404 JSON while the client has no captured WebSocket, even after a refused one', async (t) => {
    const server = await startServer(t)
    const id = clientId('none')
    await fetch(`${server.url}/feed/ajax?client=${id}`).then((response) => response.text())
    await assert.rejects(
      openWebSocket(t, server, `/feed/websocket?client=${id}`, { origin: 'http://evil.example' }),
      /unexpected response 403/
    )
    const response = await fetch(`${server.url}/wire/handshake?client=${id}`)
    assert.equal(response.status, 404)
    const body = await errorBody(response)
    assert.equal(body.code, 'WW_ERR_NO_HANDSHAKE')
    assert.match(body.message, new RegExp(id))
  })

  test('answers 400 JSON without a valid client', async (t) => {
    const server = await startServer(t)
    for (const query of ['', '?client=', '?client=no%2Fslash']) {
      const response = await fetch(`${server.url}/wire/handshake${query}`)
      assert.equal(response.status, 400, query)
      await errorBody(response)
    }
  })
})
