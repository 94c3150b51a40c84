import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { EventSource } from 'eventsource'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { eventIds, openSse, openWebSocket } from '../clients.ts'
import { asPresenter, clientId, delay, errorBody, eventually, publishTicks, range, startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'

const rttMs = 200

async function setRtt(url: string, rtt: unknown): Promise<Response> {
  return fetch(`${url}/wire/network`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...asPresenter },
    body: JSON.stringify({ rttMs: rtt })
  })
}

/** How long one raw request takes, from its first byte written to its response read. */
async function timed(client: RawClient, path: string, headers: Record<string, string> = {}): Promise<number> {
  const started = Date.now()
  const response = await client.request(client.get(path, headers), 5000)
  assert.equal(response.status, 200)
  return Date.now() - started
}

describe('simulated round trip', () => {
  test('GET answers the setting, PUT changes it and refuses anything but a whole number 0–500', async (t) => {
    const server = await startServer(t)
    assert.deepEqual(await (await fetch(`${server.url}/wire/network`)).json(), { rttMs: 0 })
    const changed = await setRtt(server.url, 150)
    assert.equal(changed.status, 200)
    assert.deepEqual(await changed.json(), { rttMs: 150 })
    assert.deepEqual(await (await fetch(`${server.url}/wire/network`)).json(), { rttMs: 150 })
    for (const bad of [501, -1, '150', 1.5, null]) {
      const response = await setRtt(server.url, bad)
      assert.equal(response.status, 400, `rttMs ${JSON.stringify(bad)}`)
      await errorBody(response)
    }
    const extra = await fetch(`${server.url}/wire/network`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...asPresenter },
      body: JSON.stringify({ rttMs: 10, jitter: 5 })
    })
    assert.equal(extra.status, 400)
    const notJson = await fetch(`${server.url}/wire/network`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...asPresenter },
      body: '{rttMs:'
    })
    assert.equal(notJson.status, 400)
    assert.equal(server.app.network.rttMs, 150)
  })

  test('a poll on a new connection pays the handshake and a round trip; a reused connection only the round trip', async (t) => {
    const server = await startServer(t)
    server.app.network.set(rttMs)
    const id = clientId('rtt')
    const fresh = await RawClient.connect(server.port)
    t.after(() => fresh.close())
    const first = await timed(fresh, `/feed/polling?client=${id}`)
    const second = await timed(fresh, `/feed/polling?client=${id}`)
    assert.ok(first >= 2 * rttMs - 5, `first poll took ${first} ms, expected ≥ ${2 * rttMs}`)
    assert.ok(second >= rttMs - 5 && second < 2 * rttMs - 20, `reused poll took ${second} ms, expected ≈ ${rttMs}`)
    // The page's own traffic does not cross the simulated network.
    const page = await RawClient.connect(server.port)
    t.after(() => page.close())
    assert.ok((await timed(page, '/wire')) < rttMs / 2)
  })

  test('a pushed SSE event arrives half a round trip after it is published', async (t) => {
    const server = await startServer(t)
    server.app.network.set(rttMs)
    const stream = await openSse(t, `${server.url}/feed/sse?client=${clientId('sse')}&after=0`)
    await stream.blocks.waitFor(1, 3000) // retry:
    const published = Date.now()
    publishTicks(server.app, 1)
    await stream.blocks.waitUntil((blocks) => blocks.some((block) => block.id === '1'), 3000)
    const took = Date.now() - published
    assert.ok(took >= rttMs / 2 - 5, `event took ${took} ms`)
  })

  test('a WebSocket ping comes back after one whole round trip', async (t) => {
    const server = await startServer(t)
    server.app.network.set(rttMs)
    const { ws, messages } = await openWebSocket(t, server, `/feed/websocket?client=${clientId('ws')}&after=0`)
    const sent = Date.now()
    ws.send(JSON.stringify({ type: 'ping', t: 1 }))
    await messages.waitUntil((items) => items.some((item) => item.type === 'pong'), 3000)
    const took = Date.now() - sent
    assert.ok(took >= rttMs - 5, `ping round trip ${took} ms`)
  })

  test('events keep their order, none lost, when the round trip drops from 500 ms to 0 mid-stream', async (t) => {
    const server = await startServer(t)
    server.app.network.set(500)
    const { messages } = await openWebSocket(t, server, `/feed/websocket?client=${clientId('order')}&after=0`)
    const stream = await openSse(t, `${server.url}/feed/sse?client=${clientId('order')}&after=0`)
    publishTicks(server.app, 5)
    server.app.network.set(0)
    publishTicks(server.app, 5)
    const received = await messages.waitUntil((items) => eventIds(items).length >= 10, 3000)
    assert.deepEqual(eventIds(received), range(1, 10))
    const blocks = await stream.blocks.waitUntil((items) => items.filter((block) => block.id).length >= 10, 3000)
    assert.deepEqual(
      blocks.flatMap((block) => (block.id ? [Number(block.id)] : [])),
      range(1, 10)
    )
  })

  test('/wire/live tells every page when the round trip changes', async (t) => {
    const server = await startServer(t)
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, '/wire/live')
    await messages.waitUntil((items) => items.some((item) => item.type === 'network'))
    await setRtt(server.url, 120)
    const items = await messages.waitUntil((all) => all.filter((item) => item.type === 'network').length >= 2)
    assert.deepEqual(items.filter((item) => item.type === 'network').at(-1), {
      type: 'network',
      network: { rttMs: 120 }
    })
  })

  test('closes within a second while simulated delays are pending', async (t) => {
    const server = await startServer(t)
    server.app.network.set(500)
    const { ws } = await openWebSocket(t, server, `/feed/websocket?client=${clientId('close')}`)
    publishTicks(server.app, 3)
    ws.send(JSON.stringify({ type: 'ping', t: 1 }))
    void fetch(`${server.url}/feed/polling?client=${clientId('close')}`).catch(() => {})
    await delay(50)
    const started = Date.now()
    await server.app.close()
    assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started} ms`)
  })
})

describe('POST /wire/drop', () => {
  test("cuts one page's sockets of one technique; the clients resume with no gap and no duplicate", async (t) => {
    const server = await startServer(t)
    const id = clientId('drop')
    const other = clientId('keep')
    publishTicks(server.app, 2)

    const source = new EventSource(`${server.url}/feed/sse?client=${id}`)
    t.after(() => source.close())
    const sseIds: number[] = []
    let sseErrors = 0
    source.onmessage = (message) => sseIds.push(JSON.parse(message.data).id)
    source.onerror = () => sseErrors++

    const first = await openWebSocket(t, server, `/feed/websocket?client=${id}&after=2`)
    const kept = await openWebSocket(t, server, `/feed/websocket?client=${other}&after=2`)
    publishTicks(server.app, 1) // id 3
    await eventually(() =>
      assert.ok(sseIds.includes(3) && eventIds(first.messages.items).includes(3), 'both resumed to event 3')
    )

    for (const technique of ['sse', 'websocket']) {
      const response = await fetch(`${server.url}/wire/drop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asPresenter },
        body: JSON.stringify({ client: id, technique })
      })
      assert.equal(response.status, 200)
      assert.deepEqual(await response.json(), { dropped: 1 })
    }
    const { code } = await first.closed
    assert.equal(code, 1006) // cut, no close frame: what a network failure looks like

    publishTicks(server.app, 2) // ids 4, 5 while the dropped clients are away
    const resumedAfter = Math.max(...eventIds(first.messages.items))
    const resumed = await openWebSocket(t, server, `/feed/websocket?client=${id}&after=${resumedAfter}`)
    const wsIds = [...eventIds(first.messages.items), ...eventIds(await resumed.messages.waitFor(2, 3000))]
    assert.deepEqual(wsIds, range(3, 5))
    // EventSource reconnects by itself (retry: 2 s) with Last-Event-ID.
    await eventually(() => assert.deepEqual(sseIds, range(1, 5)), { timeoutMs: 5000 })
    assert.ok(sseErrors >= 1)
    assert.deepEqual(eventIds(await kept.messages.waitFor(3)), range(3, 5))
    assert.equal(kept.ws.readyState, kept.ws.OPEN)
  })

  test('refuses a bad body with 400 and cuts nothing', async (t) => {
    const server = await startServer(t)
    for (const body of [
      { client: 'x' },
      { client: 'bad id', technique: 'sse' },
      { client: 'x', technique: 'gopher' }
    ]) {
      const response = await fetch(`${server.url}/wire/drop`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asPresenter },
        body: JSON.stringify(body)
      })
      assert.equal(response.status, 400, JSON.stringify(body))
      await errorBody(response)
    }
  })
})
