import assert from 'node:assert/strict'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import { buildApp } from '../src/server/app.ts'
import { makeSelfSigned } from '../src/server/tls.ts'
import type { FeedServerMessage } from '../src/shared/websocket-messages.ts'
import { eventIds } from './clients.ts'
import { clientId, eventually, Inbox, publishTicks, startServer } from './helper.ts'

const credentials = await makeSelfSigned(['localhost'], ['127.0.0.1'])

/** A GET over HTTPS that trusts only our self-signed certificate. */
function httpsGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca: credentials.cert, agent: false }, (response) => {
      let body = ''
      response.setEncoding('utf8').on('data', (text: string) => (body += text))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

/** Opens a WebSocket, receives three events and closes: the same exchange over ws:// and wss://. */
async function threeEvents(url: string, origin: string, publish: () => void): Promise<number[]> {
  const ws = new WebSocket(url, { headers: { origin }, ca: credentials.cert })
  const messages = new Inbox<FeedServerMessage>()
  ws.on('message', (data) => messages.push(JSON.parse(String(data))))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  publish()
  const received = await messages.waitUntil((items) => eventIds(items).length >= 3)
  ws.close()
  await new Promise((resolve) => ws.once('close', resolve))
  return eventIds(received)
}

describe('HTTPS and WSS', () => {
  test('the same app over TLS: an https GET, a wss:// WebSocket from its own https origin, bytes counted encrypted', async (t) => {
    const app = await buildApp({ feedRate: 0, https: { key: credentials.key, cert: credentials.cert } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.after(() => app.close())
    const { port } = app.server.address() as AddressInfo
    const plain = await startServer(t)

    const answer = await httpsGet(`https://127.0.0.1:${port}/feed/ajax`)
    assert.equal(answer.status, 200)
    assert.deepEqual(JSON.parse(answer.body), { events: [], latest: 0 })

    const secureId = clientId('wss')
    const plainId = clientId('ws')
    const secureIds = await threeEvents(
      `wss://127.0.0.1:${port}/feed/websocket?client=${secureId}&after=0`,
      `https://127.0.0.1:${port}`,
      () => publishTicks(app, 3)
    )
    const plainIds = await threeEvents(
      `ws://127.0.0.1:${plain.port}/feed/websocket?client=${plainId}&after=0`,
      plain.origin,
      () => publishTicks(plain.app, 3)
    )
    assert.deepEqual(secureIds, [1, 2, 3])
    assert.deepEqual(plainIds, [1, 2, 3])

    // Over TLS the counters read the TCP socket under the TLS one: handshake and record overhead included.
    const closedRow = (server: typeof app, id: string) =>
      eventually(() => {
        const row = server.wire.report(id, server.feed.latest).techniques.websocket
        assert.equal(row.openConnections, 0)
        return row
      })
    const wire = await closedRow(app, secureId)
    const bare = await closedRow(plain.app, plainId)
    assert.equal(wire.connectionsOpened, 1)
    assert.equal(wire.events, 3)
    assert.equal(bare.events, 3)
    assert.ok(wire.bytesOut > bare.bytesOut + 500, `wss out ${wire.bytesOut} B vs ws ${bare.bytesOut} B`)
    assert.ok(wire.bytesIn > bare.bytesIn + 200, `wss in ${wire.bytesIn} B vs ws ${bare.bytesIn} B`)
    console.log(
      `same exchange: ws:// ${bare.bytesIn} B in / ${bare.bytesOut} B out, wss:// ${wire.bytesIn} B in / ${wire.bytesOut} B out`
    )

    // The capture sees the decrypted HTTP: the Upgrade request head as the client sent it.
    const items = app.capture.since(secureId, 'websocket', 0)
    const upgrade = items.find((item) => item.kind === 'request')
    assert.ok(upgrade && upgrade.kind === 'request' && upgrade.head.startsWith('GET /feed/websocket?client='))
  })
})
