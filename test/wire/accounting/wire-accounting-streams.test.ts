import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { eventIds, openWebSocket } from '../../clients.ts'
import { clientId, eventually, publishTicks, range, startServer, wireOf } from '../../helper.ts'
import { chunksOf, RawClient } from '../../raw-http.ts'
import { assertOtherTechniquesEmpty, counters, expectRow } from '../wire-helper.ts'

describe('wire accounting of streams', () => {
  test('charges an SSE stream every byte it wrote, chunk framing included, while open and after', async (t) => {
    const server = await startServer(t)
    const id = clientId('sse')
    publishTicks(server.app, 2)
    const raw = await RawClient.connect(server.port)
    t.after(() => raw.close())
    raw.send(raw.get(`/feed/sse?after=0&client=${id}`))
    await raw.waitForText((text) => text.includes('id: 2\n'))
    publishTicks(server.app, 3)
    // Chunked framing is on the wire: after the head, every byte is in a chunk behind its size line,
    // however Node groups the blocks into chunks (Node 26 sends the writes of one tick as one chunk).
    const body = (text: string) => chunksOf(text.slice(text.indexOf('\r\n\r\n') + 4))
    const ids = (text: string) =>
      body(text).chunks.flatMap((chunk) => [...chunk.text.matchAll(/^id: (\d+)$/gm)].map(([, id]) => Number(id)))
    const received = await raw.waitForText((text) => ids(text).includes(5))
    assert.equal(body(received).rest, '', 'nothing outside a chunk')
    assert.deepEqual(ids(received), range(1, 5))

    const open = counters({
      requests: 1,
      connectionsOpened: 1,
      openConnections: 1,
      bytesIn: raw.bytesWritten,
      bytesOut: raw.bytesRead,
      events: 5
    })
    await expectRow(server, id, 'sse', open)
    await raw.close()
    const report = await expectRow(server, id, 'sse', { ...open, openConnections: 0 })
    assertOtherTechniquesEmpty(report, 'sse')
  })

  test('charges a WebSocket its Upgrade as one request and one connection, and every frame byte', async (t) => {
    const server = await startServer(t)
    const id = clientId('ws')
    publishTicks(server.app, 2)
    const { ws, messages, tcp, closed } = await openWebSocket(t, server, `/feed/websocket?after=0&client=${id}`)
    await messages.waitFor(2)
    const ping = JSON.stringify({ type: 'ping', t: 42 })
    const chat = JSON.stringify({ type: 'chat', text: 'over the socket' })
    ws.send(ping)
    ws.send(chat)
    const all = await messages.waitFor(4)
    assert.deepEqual(eventIds(all), [1, 2, 3])

    const whileOpen = await eventually(async () => {
      const row = (await wireOf(server, id)).techniques.websocket
      assert.equal(row.bytesIn, tcp.bytesWritten)
      assert.equal(row.bytesOut, tcp.bytesRead)
      return row
    })
    assert.deepEqual(
      { ...whileOpen, bytesIn: 0, bytesOut: 0 },
      counters({ requests: 1, connectionsOpened: 1, openConnections: 1, events: 3 })
    )
    // Frames carry at least their payloads, and the client's frames are masked (4 more bytes each).
    assert.ok(whileOpen.bytesIn >= Buffer.byteLength(ping) + Buffer.byteLength(chat) + 2 * (2 + 4))

    ws.close(1000)
    await closed
    const report = await expectRow(
      server,
      id,
      'websocket',
      counters({
        requests: 1,
        connectionsOpened: 1,
        bytesIn: tcp.bytesWritten,
        bytesOut: tcp.bytesRead,
        events: 3
      })
    )
    // A chat sent over the WebSocket is the WebSocket's traffic, not the messages row.
    assertOtherTechniquesEmpty(report, 'websocket')
  })
})
