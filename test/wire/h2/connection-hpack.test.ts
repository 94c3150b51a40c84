import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ConnectionHpack } from '../../../src/server/wire/h2/connection-hpack.ts'
import type { TappedFrame } from '../../../src/server/wire/h2/tap-sessions.ts'

const headers = (direction: 'in' | 'out', block: Buffer, flags = 0x5, streamId = 1): TappedFrame => ({
  direction,
  type: 0x1,
  flags,
  streamId,
  length: block.length,
  payload: block
})
// RFC 7541 C.3.1: `:method GET`, `:scheme http`, `:path /`, `:authority www.example.com` (added to the table).
const firstRequest = Buffer.from('828684410f7777772e6578616d706c652e636f6d', 'hex')
// An index past both tables: a COMPRESSION_ERROR.
const broken = Buffer.from('ff00', 'hex')

describe('ConnectionHpack', () => {
  test('decodes a block split over HEADERS and CONTINUATION once, when END_HEADERS comes', () => {
    const hpack = new ConnectionHpack()
    assert.equal(hpack.frame('in', headers('in', firstRequest.subarray(0, 5), 0x1)), undefined)
    const rest = firstRequest.subarray(5)
    const ended = hpack.frame('in', { ...headers('in', rest, 0x4), type: 0x9 })
    assert.equal(ended?.blockBytes, firstRequest.length)
    assert.equal(ended?.continuations, 1)
    assert.deepEqual(
      ended?.fields?.map(({ name, value }) => `${name}=${value}`),
      [':method=GET', ':scheme=http', ':path=/', ':authority=www.example.com']
    )
  })

  test('a failed decoder reports once and stops its direction; the other direction goes on', () => {
    const hpack = new ConnectionHpack()
    const failed = hpack.frame('in', headers('in', broken))
    assert.ok(failed?.failure instanceof Error)
    assert.equal(failed?.fields, undefined)
    const next = hpack.frame('in', headers('in', firstRequest, 0x5, 3))
    assert.equal(next?.failure, undefined, 'reported once')
    assert.match(next?.error ?? '', /^not decoded: .*failed on an earlier block/)
    assert.equal(hpack.frame('out', headers('out', Buffer.from([0x88])))?.fields?.[0]?.value, '200')
  })

  test('a lowered SETTINGS_HEADER_TABLE_SIZE binds the peer once acknowledged', () => {
    const hpack = new ConnectionHpack()
    const settings = Buffer.from('000100000000', 'hex') // HEADER_TABLE_SIZE = 0
    hpack.frame('out', { type: 0x4, flags: 0, streamId: 0, length: 6, payload: settings })
    hpack.frame('in', { type: 0x4, flags: 0x1, streamId: 0, length: 0, payload: Buffer.alloc(0) })
    // RFC 7541 §4.2: the client's next block must open with a size update; this one does not.
    assert.match(hpack.frame('in', headers('in', firstRequest))?.error ?? '', /size update/)
  })
})
