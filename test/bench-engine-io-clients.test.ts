// The bench's Socket.IO load clients against a real Socket.IO server in this process, pinging every 50 ms so
// that a client which did not answer would be dropped within the test: no bench run, under a second.
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { describe, test } from 'node:test'
import { Server } from 'socket.io'
import { type Counters, openEngineIoPolling, openEngineIoWebSocket } from '../bench/engine-io-clients.ts'
import { open, openWebSocket } from '../bench/load-clients.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('Engine.IO load clients', () => {
  for (const transport of ['websocket', 'polling'] as const)
    test(`over ${transport}: connect to the namespace, answer pings, and scan every event`, async (t) => {
      const http = createServer()
      const io = new Server(http, { serveClient: false, pingInterval: 50, pingTimeout: 100 })
      let webSocket: Socket | undefined
      t.after(async () => {
        // It answers no close frame: left open, the server would wait 30 s for one.
        webSocket?.destroy()
        http.closeAllConnections()
        await io.close()
      })
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
      const { port } = http.address() as AddressInfo
      const seen: string[] = []
      const client = { scan: (text: string) => seen.push(text) }
      const counters: Counters = { requests: 0, errors: 0 }

      if (transport === 'websocket') webSocket = await openEngineIoWebSocket(client, port, openWebSocket, counters)
      else await openEngineIoPolling(client, port, open, counters)
      // Several ping intervals: a client that left a ping unanswered is gone by now.
      await sleep(400)
      assert.equal(io.of('/').sockets.size, 1, 'connected to the namespace and still there')

      io.emit('event', { id: 7, at: 1_000, kind: 'tick', data: { value: 1 } })
      for (let i = 0; i < 50 && !seen.some((text) => text.includes('"id":7,"at":1000,')); i++) await sleep(10)
      assert.ok(
        seen.some((text) => text.includes('"id":7,"at":1000,')),
        `the event was scanned: ${JSON.stringify(seen)}`
      )
      assert.equal(counters.errors, 0)
      if (transport === 'polling') assert.ok(counters.requests > 2, 'each GET is counted')
    })
})
