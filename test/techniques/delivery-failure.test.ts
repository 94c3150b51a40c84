import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { describe, test } from 'node:test'
import { closeCodes } from '../../src/shared/websocket-messages.ts'
import { blockIds, eventIds, openSse, openWebSocket } from '../clients.ts'
import { clientId, eventually, publishTicks, range, startServer, type TestServer } from '../helper.ts'

interface LogLine {
  level: number
  msg: string
  client?: string
  technique?: string
  err?: { message: string }
}

/** A test server whose error log is kept, line by line, as the app's logger writes it. */
async function serverWithLog(t: Parameters<typeof startServer>[0]): Promise<{ server: TestServer; logs: LogLine[] }> {
  const logs: LogLine[] = []
  const stream = { write: (line: string) => logs.push(JSON.parse(line) as LogLine) }
  const server = await startServer(t, { logger: { level: 'error', stream } })
  return { server, logs }
}

/** The server's side of the connection that `client` opens next: `event` is 'request' (SSE) or 'upgrade' (WebSocket). */
function serverSocketOf(server: TestServer, event: 'request' | 'upgrade', client: string): Promise<Socket> {
  return new Promise((found) => {
    const onConnection = (request: IncomingMessage) => {
      if (!request.url?.includes(`client=${client}`)) return
      server.app.server.off(event, onConnection)
      found(request.socket as Socket)
    }
    server.app.server.on(event, onConnection)
  })
}

/** Makes the next write on this socket throw (as one whose peer vanished may), then writes go on as before. */
function breakNextWrite(socket: Socket): void {
  const write = socket.write
  socket.write = (() => {
    socket.write = write
    throw new Error('socket write failed')
  }) as typeof socket.write
}

/** The server still answers a plain request over TCP. */
async function assertStillServing(server: TestServer) {
  const response = await fetch(`${server.url}/feed/polling?after=0`)
  assert.equal(response.status, 200)
  await response.arrayBuffer()
}

describe('a delivery that throws', () => {
  test('closes that WebSocket with 1011 and logs it; another client gets every event in order', async (t) => {
    const { server, logs } = await serverWithLog(t)
    const broken = clientId('broken')
    const serverSide = serverSocketOf(server, 'upgrade', broken)
    const bad = await openWebSocket(t, server, `/feed/websocket?after=0&client=${broken}`)
    const good = await openWebSocket(t, server, `/feed/websocket?after=0&client=${clientId('good')}`)
    breakNextWrite(await serverSide)

    publishTicks(server.app, 3)
    assert.deepEqual(await bad.closed, { code: closeCodes.internalError, reason: 'delivery failed' })
    publishTicks(server.app, 3)
    assert.deepEqual(eventIds(await good.messages.waitFor(6)), range(1, 6))
    assert.deepEqual(eventIds(bad.messages.items), [], 'the failed delivery was its first')

    const [logged, ...more] = logs.filter((line) => line.msg === 'delivery failed: connection closed')
    assert.deepEqual(more, [], 'logged once')
    assert.equal(logged?.client, broken)
    assert.equal(logged?.technique, 'websocket')
    assert.equal(logged?.err?.message, 'socket write failed')

    // The process is alive and the feed lost nothing: the closed client resumes from its cursor.
    await assertStillServing(server)
    const again = await openWebSocket(t, server, `/feed/websocket?after=0&client=${broken}`)
    assert.deepEqual(eventIds(await again.messages.waitFor(6)), range(1, 6))
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 2))
  })

  test('behind a simulated round trip (the write runs on a timer) still closes only that socket', async (t) => {
    const { server, logs } = await serverWithLog(t)
    server.app.network.rttMs = 40
    const broken = clientId('broken')
    const serverSide = serverSocketOf(server, 'upgrade', broken)
    const bad = await openWebSocket(t, server, `/feed/websocket?after=0&client=${broken}`)
    const good = await openWebSocket(t, server, `/feed/websocket?after=0&client=${clientId('good')}`)
    breakNextWrite(await serverSide)

    publishTicks(server.app, 4)
    assert.equal((await bad.closed).code, closeCodes.internalError)
    assert.deepEqual(eventIds(await good.messages.waitFor(4)), range(1, 4))
    assert.equal(logs.filter((line) => line.client === broken).length, 1)
    await assertStillServing(server)
  })

  test('ends that SSE stream and logs it; another stream gets every event in order', async (t) => {
    const { server, logs } = await serverWithLog(t)
    const broken = clientId('broken')
    const serverSide = serverSocketOf(server, 'request', broken)
    const bad = await openSse(t, `${server.url}/feed/sse?after=0&client=${broken}`)
    const good = await openSse(t, `${server.url}/feed/sse?after=0&client=${clientId('good')}`)
    await bad.blocks.waitFor(1) // retry: has gone out: the next write is an event's
    breakNextWrite(await serverSide)

    publishTicks(server.app, 3)
    await bad.ended
    publishTicks(server.app, 3)
    await good.blocks.waitUntil((blocks) => blockIds(blocks).length >= 6)
    assert.deepEqual(blockIds(good.blocks.items), range(1, 6))
    assert.deepEqual(blockIds(bad.blocks.items), [])

    const logged = logs.filter((line) => line.msg === 'delivery failed: connection closed')
    assert.deepEqual(
      logged.map(({ client, technique }) => ({ client, technique })),
      [{ client: broken, technique: 'sse' }]
    )
    await assertStillServing(server)
    await eventually(() => assert.equal(server.app.feed.subscriberCount, 1))
    good.close()
  })
})
