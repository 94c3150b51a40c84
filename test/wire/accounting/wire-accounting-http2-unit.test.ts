import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { describe, test } from 'node:test'
import { WireAccounting } from '../../../src/server/wire/accounting/wire-accounting.ts'

/** Just what the accounting reads from a socket: its two byte counters and its close event. */
class FakeSocket extends EventEmitter {
  bytesRead = 0
  bytesWritten = 0

  get socket(): Socket {
    return this as unknown as Socket
  }
}

/** An HTTP/2 connection as the accounting sees it: a session, its TLS socket and the TCP socket under it. */
function connection(wire: WireAccounting) {
  const session = {}
  const tls = new FakeSocket()
  const tcp = new FakeSocket()
  wire.trackHttp2(session, tls.socket, tcp.socket)
  return { session, tls, tcp }
}

describe('WireAccounting, HTTP/2 streams', () => {
  test('holds a stream’s frames until its request is handed over, then charges them to its route’s row', () => {
    const wire = new WireAccounting()
    const { session } = connection(wire)
    wire.chargeFrame(session, 'in', 1, 60)
    const request = {}
    wire.streamArrived(session, 1, request)
    wire.chargeFrame(session, 'out', 1, 100)
    assert.equal(wire.report('c', 0).techniques.polling.bytesIn, 0, 'not named yet')
    wire.nameRequest(request, 'polling', 'c')
    const { polling } = wire.report('c', 0).techniques
    assert.deepEqual([polling.bytesIn, polling.bytesOut, polling.requests, polling.requestsOverHttp2], [60, 100, 1, 1])
  })

  test('a stream never handed over is the page’s at close; stream 0 and TLS are the connection’s', () => {
    const wire = new WireAccounting()
    const { session, tls, tcp } = connection(wire)
    wire.chargeFrame(session, 'in', undefined, 24)
    wire.chargeFrame(session, 'in', 0, 15)
    wire.chargeFrame(session, 'in', 3, 40)
    Object.assign(tls, { bytesRead: 79, bytesWritten: 0 })
    Object.assign(tcp, { bytesRead: 300, bytesWritten: 120 })
    tls.emit('close')
    const { page, connection: row } = wire.report(undefined, 0).other
    assert.equal(page.bytesIn, 40)
    assert.deepEqual([row.bytesIn, row.bytesOut], [24 + 15 + (300 - 79), 120])
  })

  test('one connection is in use by every row with a stream open on it; idle, by its latest stream’s row', () => {
    const wire = new WireAccounting()
    const { session, tls } = connection(wire)
    const [sse, poll] = [{}, {}]
    wire.streamArrived(session, 1, sse)
    wire.nameRequest(sse, 'sse', 'c')
    wire.streamArrived(session, 3, poll)
    wire.nameRequest(poll, 'polling', 'c')
    const open = (client?: string) => {
      const { techniques } = wire.report(client, 0)
      return [techniques.sse.openConnections, techniques.polling.openConnections]
    }
    assert.deepEqual(open('c'), [1, 1])
    assert.deepEqual(open(), [1, 1])
    assert.deepEqual(wire.report('c', 0).connectionsNow, { http1: 0, http2: 1 })
    wire.responseDone(poll)
    assert.deepEqual(open('c'), [1, 0], 'the poll is answered, the stream still open')
    wire.responseDone(sse)
    assert.deepEqual(open('c'), [0, 1], 'idle: the latest stream’s row holds it')
    tls.emit('close')
    assert.deepEqual(open('c'), [0, 0])
    assert.deepEqual(open(), [0, 0])
    assert.deepEqual(wire.report('c', 0).connectionsNow, { http1: 0, http2: 0 })
  })
})
