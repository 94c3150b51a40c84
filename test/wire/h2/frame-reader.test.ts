import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { connectionPreface, type Frame, FrameReader, frameTypeName } from '../../../src/server/wire/h2/frame-reader.ts'

/** One frame as it is written on the connection. */
function frameBytes(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9)
  header.writeUIntBE(payload.length, 0, 3)
  header[3] = type
  header[4] = flags
  header.writeUInt32BE(streamId, 5)
  return Buffer.concat([header, payload])
}

const settings = frameBytes(4, 0, 0, Buffer.from([0, 3, 0, 0, 0, 100]))
// HEADERS with PADDED and PRIORITY (flags 0x28), then its CONTINUATION with END_HEADERS.
const headers = frameBytes(1, 0x28, 1, Buffer.from([2, 0, 0, 0, 0, 16, 0x82, 0x84, 0, 0]))
const continuation = frameBytes(9, 0x4, 1, Buffer.from([0x86]))
const data = frameBytes(0, 0x1, 1, Buffer.from('hello'))
const ping = frameBytes(6, 0, 0, Buffer.alloc(8))
const windowUpdate = frameBytes(8, 0, 0, Buffer.from([0, 0, 0x40, 0]))
const clientBytes = Buffer.concat([connectionPreface, settings, headers, continuation, data, ping, windowUpdate])

/** Reads `chunks` as one direction of a connection; what the reader handed over, payloads copied. */
function read(chunks: Buffer[], clientSide: boolean): { prefaces: number[]; frames: Frame[] } {
  const prefaces: number[] = []
  const frames: Frame[] = []
  const reader = new FrameReader(
    {
      frame: (frame) => frames.push({ ...frame, payload: Buffer.from(frame.payload) }),
      preface: (bytes) => prefaces.push(bytes)
    },
    { clientSide }
  )
  for (const chunk of chunks) reader.push(chunk)
  return { prefaces, frames }
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets)].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point))
    from = point
  }
  return chunks
}

describe('FrameReader', () => {
  test('reads the preface, then each frame: type, flags, stream id, length and payload', () => {
    const { prefaces, frames } = read([clientBytes], true)
    assert.deepEqual(prefaces, [24])
    assert.deepEqual(
      frames.map((frame) => [frameTypeName(frame.type), frame.flags, frame.streamId, frame.length]),
      [
        ['SETTINGS', 0, 0, 6],
        ['HEADERS', 0x28, 1, 10],
        ['CONTINUATION', 0x4, 1, 1],
        ['DATA', 0x1, 1, 5],
        ['PING', 0, 0, 8],
        ['WINDOW_UPDATE', 0, 0, 4]
      ]
    )
    assert.equal(frames[3]?.payload.toString(), 'hello')
    const counted = 24 + frames.reduce((sum, frame) => sum + 9 + frame.length, 0)
    assert.equal(counted, clientBytes.length, 'every byte is in the preface or a frame')
  })

  test('the server side has no preface; the reserved bit is not part of the stream id', () => {
    const reserved = frameBytes(0, 0, 0x80000003, Buffer.from('x'))
    const { prefaces, frames } = read([settings, reserved], false)
    assert.deepEqual(prefaces, [])
    assert.deepEqual(
      frames.map((frame) => frame.streamId),
      [0, 3]
    )
  })

  test('a frame split at every byte boundary is read once, whole', () => {
    for (let at = 1; at < clientBytes.length; at++) {
      const { frames } = read(cut(clientBytes, [at]), true)
      assert.equal(frames.length, 6, `split at ${at}`)
    }
    const byteByByte = read(
      cut(
        clientBytes,
        Array.from({ length: clientBytes.length }, (_, i) => i)
      ),
      true
    )
    assert.deepEqual(byteByByte, read([clientBytes], true))
  })

  test('any chunking gives the same preface and frames (property)', () => {
    const whole = read([clientBytes], true)
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: clientBytes.length }), { maxLength: 40 }), (offsets) => {
        assert.deepEqual(read(cut(clientBytes, offsets), true), whole)
      }),
      { numRuns: 300 }
    )
  })

  test('waits for a frame whose bytes have not all arrived, and hands nothing of it', () => {
    const { frames } = read([data.subarray(0, data.length - 1)], false)
    assert.deepEqual(frames, [])
  })
})
