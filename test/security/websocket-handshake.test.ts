import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { eventually, type TestServer } from '../helper.ts'
import { RawClient, type RawResponse } from '../raw-http.ts'
import {
  assertStillServing,
  type HandshakeOptions,
  handshakeRequest,
  RawWebSocket,
  suiteServer
} from './raw-websocket.ts'

// One server takes every abuse in turn: each test proves it still serves the next client.
const server = suiteServer()

/**
 * Sends a handshake built from `options` and asserts it is refused with `status`
 * before any 101, that the server hangs up (a refused upgrade's socket belongs to
 * no HTTP parser any more: left open, it would leak), and that the next client is served.
 */
async function assertRefused(t: TestContext, options: HandshakeOptions, status: number): Promise<RawResponse> {
  const client = await RawClient.connect(server().port)
  t.after(() => client.close())
  const response = await client.request(handshakeRequest(server(), options))
  assert.equal(response.status, status, `answered ${response.status}: ${response.body}`)
  await client.waitForEnd()
  assert.equal(server().app.feed.subscriberCount, 0, 'no WebSocket handler ran')
  await assertStillServing(t, server())
  return response
}

/** The `code` of a JSON error body, as every refusal of our own gives it. */
function codeOf(response: RawResponse): string {
  assert.match(response.headers['content-type'] ?? '', /^application\/json/)
  const body = JSON.parse(response.body) as { statusCode: number; code: string }
  assert.equal(body.statusCode, response.status)
  return body.code
}

describe('a handshake too big for HTTP is refused by Node with 431', () => {
  test('refuses 3,000 short headers (about 50 KB of head)', async (t) => {
    const headers = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`X-Filler-${i}`, '1']))
    await assertRefused(t, { headers }, 431)
  })

  test('refuses one 17 KB header, over the 16 KB limit', async (t) => {
    await assertRefused(t, { headers: { 'X-Big': 'a'.repeat(17 * 1024) } }, 431)
  })
})

describe('a handshake ws cannot accept is refused by ws with 400', () => {
  for (const [name, key] of [
    ['a key that is not base64', '!!!!!!!!!!!!!!!!!!!!!!=='],
    ['a key of 3 bytes', Buffer.from('abc').toString('base64')],
    ['a key of 17 bytes', Buffer.alloc(17, 1).toString('base64')],
    ['a handshake without Sec-WebSocket-Key', undefined]
  ] as const) {
    test(`refuses ${name}`, async (t) => {
      const response = await assertRefused(t, { headers: { 'Sec-WebSocket-Key': key } }, 400)
      assert.match(response.body, /Sec-WebSocket-Key/)
    })
  }

  for (const version of ['12', '14', undefined]) {
    test(`refuses Sec-WebSocket-Version ${version ?? 'missing'}, listing the versions it speaks`, async (t) => {
      const response = await assertRefused(t, { headers: { 'Sec-WebSocket-Version': version } }, 400)
      // RFC 6455 section 4.4: the refusal lists the supported versions; ws speaks 13 (and the draft's 8).
      assert.match(response.headers['sec-websocket-version'] ?? '', /\b13\b/)
    })
  }
})

describe('a handshake asking for a subprotocol is refused with 400 WW_ERR_SUBPROTOCOL: we speak none', () => {
  const tenKilobytes = Array.from({ length: 1500 }, (_, i) => `proto${i}`)
    .join(', ')
    .slice(0, 10 * 1024)
  for (const [name, protocols] of [
    ['"chat"', 'chat'],
    ['two subprotocols', 'wirewatch, graphql-ws'],
    ['a 10 KB list of subprotocols', tenKilobytes]
  ] as const) {
    test(`refuses ${name}`, async (t) => {
      const response = await assertRefused(t, { headers: { 'Sec-WebSocket-Protocol': protocols } }, 400)
      assert.equal(codeOf(response), 'WW_ERR_SUBPROTOCOL')
      assert.equal(response.headers['sec-websocket-protocol'], undefined, 'no subprotocol was agreed to')
    })
  }
})

describe('a handshake from a foreign Origin is refused with 403 WW_ERR_ORIGIN', () => {
  for (const path of ['/feed/websocket?after=0', '/wire/live']) {
    test(`${path} opens for the server's own origin`, async (t) => {
      const raw = await RawWebSocket.open(t, server(), path)
      raw.destroy()
      await eventually(() => assert.equal(server().app.feed.subscriberCount, 0))
    })

    for (const [name, origin] of [
      ['http://evil.example', () => 'http://evil.example'],
      ['the opaque origin "null"', () => 'null'],
      ['a missing Origin', () => undefined],
      ['http://<our host>.evil.example', (target: TestServer) => `${target.origin}.evil.example`]
    ] as const) {
      test(`${path} refuses ${name}`, async (t) => {
        const response = await assertRefused(t, { path, headers: { Origin: origin(server()) } }, 403)
        assert.equal(codeOf(response), 'WW_ERR_ORIGIN')
      })
    }
  }
})

describe('a request that is not a WebSocket handshake never gets a 101', () => {
  test('Upgrade: websocket on a POST is not upgraded (no POST route: 404)', async (t) => {
    const response = await assertRefused(t, { method: 'POST' }, 404)
    assert.equal(response.headers.upgrade, undefined)
  })

  test('a plain GET without Upgrade is told to upgrade: 426 WW_ERR_NOT_WEBSOCKET', async (t) => {
    const client = await RawClient.connect(server().port)
    t.after(() => client.close())
    const response = await client.request(client.get('/feed/websocket?after=0', { Origin: server().origin }))
    assert.equal(response.status, 426)
    assert.equal(codeOf(response), 'WW_ERR_NOT_WEBSOCKET')
    await assertStillServing(t, server())
  })
})
