import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { describe, test } from 'node:test'
import { WireAccounting } from '../../../src/server/wire/accounting/wire-accounting.ts'
import { emptyCounters, type WireCounters } from '../../../src/shared/wire-stats.ts'

/** Just what the accounting reads from a socket: its two byte counters and its close event. */
class FakeSocket extends EventEmitter {
  bytesRead = 0
  bytesWritten = 0

  get socket(): Socket {
    return this as unknown as Socket
  }
}

function counters(values: Partial<WireCounters>): WireCounters {
  return { ...emptyCounters(), ...values }
}

/** One complete request of `client` on a fresh socket that then closes. */
function oneRequest(wire: WireAccounting, client: string, bytes = { read: 10, written: 20 }): void {
  const fake = new FakeSocket()
  wire.track(fake.socket)
  fake.bytesRead = bytes.read
  wire.beginRequest(fake.socket, 'ajax', client)
  fake.bytesWritten = bytes.written
  wire.endRequest(fake.socket)
  fake.emit('close')
}

describe('WireAccounting', () => {
  test('charges a connection that never carried a request to the page row when it closes', () => {
    const wire = new WireAccounting()
    const fake = new FakeSocket()
    wire.track(fake.socket)
    fake.bytesRead = 7
    fake.bytesWritten = 3
    fake.emit('close')
    assert.deepEqual(wire.report(undefined, 0).other.page, counters({ connectionsOpened: 1, bytesIn: 7, bytesOut: 3 }))
  })

  test('charges what a response writes after the next request began to the earlier request', () => {
    const wire = new WireAccounting()
    const fake = new FakeSocket()
    wire.track(fake.socket)
    fake.bytesRead = 100
    wire.beginRequest(fake.socket, 'sse', 'c')
    fake.bytesWritten = 50
    // No endRequest: the next request's start settles the account.
    fake.bytesRead = 130
    wire.beginRequest(fake.socket, 'ajax', 'c')
    const report = wire.report('c', 0)
    assert.deepEqual(report.techniques.sse, counters({ requests: 1, connectionsOpened: 1, bytesIn: 100, bytesOut: 50 }))
    assert.deepEqual(report.techniques.ajax, counters({ requests: 1, openConnections: 1, bytesIn: 30 }))
  })

  test('knows whose response a socket is writing: the oldest request whose response has not ended', () => {
    const wire = new WireAccounting()
    const fake = new FakeSocket()
    assert.equal(wire.requestBeingAnswered(fake.socket), undefined, 'a socket it does not track')
    wire.track(fake.socket)
    const [held, behind] = [{}, {}]
    wire.requestArrived(fake.socket, held)
    wire.requestArrived(fake.socket, behind)
    assert.equal(wire.requestBeingAnswered(fake.socket), held)
    wire.responseDone(held)
    assert.equal(wire.requestBeingAnswered(fake.socket), behind)
    wire.responseDone(behind)
    assert.equal(wire.requestBeingAnswered(fake.socket), undefined, 'between requests')
  })

  test('ignores events and empty responses of requests it does not know, and requests on sockets it does not track', () => {
    const wire = new WireAccounting()
    const stranger = new FakeSocket()
    wire.countEvents({}, 3)
    wire.countEmptyResponse({})
    wire.beginRequest(stranger.socket, 'ajax', 'x')
    wire.endRequest(stranger.socket)
    assert.deepEqual(wire.report(undefined, 0).techniques.ajax, emptyCounters())
  })

  test('forgets the longest idle clients beyond maxClients, but never one with a connection open', () => {
    const wire = new WireAccounting({ maxClients: 2 })
    const open = new FakeSocket()
    wire.track(open.socket)
    wire.beginRequest(open.socket, 'sse', 'streaming')
    oneRequest(wire, 'idle-1')
    oneRequest(wire, 'idle-2')

    assert.equal(wire.report('streaming', 0).techniques.sse.openConnections, 1, 'the open client is kept')
    assert.deepEqual(wire.report('idle-1', 0).techniques.ajax, emptyCounters(), 'the oldest idle client is forgotten')
    assert.equal(wire.report('idle-2', 0).techniques.ajax.requests, 1)
    // Totals are never forgotten.
    assert.equal(wire.report(undefined, 0).techniques.ajax.requests, 2)
  })

  test('behind many clients with a connection open, idle ones are still forgotten as new ones come', () => {
    const wire = new WireAccounting({ maxClients: 2 })
    for (let i = 0; i < 40; i++) {
      const open = new FakeSocket()
      wire.track(open.socket)
      wire.beginRequest(open.socket, 'sse', `open-${i}`)
    }
    for (let i = 0; i < 30; i++) oneRequest(wire, `idle-${i}`)
    assert.deepEqual(wire.report('idle-0', 0).techniques.ajax, emptyCounters(), 'an early idle client is forgotten')
    assert.equal(wire.report('idle-29', 0).techniques.ajax.requests, 1, 'the newest is kept')
    for (const i of [0, 39])
      assert.equal(wire.report(`open-${i}`, 0).techniques.sse.openConnections, 1, `open-${i} kept`)
  })

  test('past maxClients with every client connected, a newcomer keeps its counters (none is forgotten)', () => {
    const wire = new WireAccounting({ maxClients: 2 })
    const upgrades = ['a', 'b', 'c'].map((client) => {
      const fake = new FakeSocket()
      wire.track(fake.socket)
      const upgrade = {}
      wire.requestArrived(fake.socket, upgrade)
      wire.nameRequest(upgrade, 'websocket', client)
      return upgrade
    })
    for (const upgrade of upgrades) wire.countEvents(upgrade, 5)
    for (const client of ['a', 'b', 'c']) {
      const { websocket } = wire.report(client, 0).techniques
      assert.deepEqual([websocket.openConnections, websocket.requests, websocket.events], [1, 1, 5], client)
    }
  })
})
