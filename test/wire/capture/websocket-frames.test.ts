import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { type DecodedFrame, FrameDecoder, frameLimits } from '../../../src/server/wire/capture/websocket-frames.ts'

interface FrameSpec {
  opcode: number
  payload: Buffer | string
  fin?: boolean
  rsv?: [boolean, boolean, boolean]
  mask?: Buffer
}

/** Builds a frame the way RFC 6455 section 5.2 lays it out, choosing the shortest length form. */
function frameBytes({ opcode, payload, fin = true, rsv = [false, false, false], mask }: FrameSpec): Buffer {
  const data = Buffer.from(payload)
  const first = (fin ? 0x80 : 0) | (rsv[0] ? 0x40 : 0) | (rsv[1] ? 0x20 : 0) | (rsv[2] ? 0x10 : 0) | opcode
  let header: Buffer
  if (data.length <= 125) {
    header = Buffer.from([first, data.length])
  } else if (data.length <= 0xffff) {
    header = Buffer.alloc(4)
    header.writeUInt16BE(data.length, 2)
    header[1] = 126
  } else {
    header = Buffer.alloc(10)
    header.writeBigUInt64BE(BigInt(data.length), 2)
    header[1] = 127
  }
  header[0] = first
  if (!mask) return Buffer.concat([header, data])
  header[1] = (header[1] as number) | 0x80
  const masked = Buffer.from(data.map((byte, i) => byte ^ (mask[i % 4] as number)))
  return Buffer.concat([header, mask, masked])
}

/** Feeds `bytes` in pieces of `size` bytes and returns the frames decoded. */
function decode(bytes: Buffer, size = bytes.length): DecodedFrame[] {
  const frames: DecodedFrame[] = []
  const decoder = new FrameDecoder((frame) => frames.push(frame))
  for (let offset = 0; offset < bytes.length; offset += size) decoder.push(bytes.subarray(offset, offset + size), 1000)
  return frames
}

const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d])

describe('FrameDecoder', () => {
  test('decodes RFC 6455\'s unmasked "Hello" text frame field by field', () => {
    const [frame] = decode(Buffer.from('810548656c6c6f', 'hex'))
    assert.deepEqual(frame, {
      at: 1000,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 1,
      opcodeName: 'text',
      masked: false,
      payloadLength: 5,
      lengthForm: 7,
      headerBytes: 2,
      payload: 'Hello',
      hex: '810548656c6c6f',
      truncated: false
    })
  })

  test('unmasks RFC 6455\'s masked "Hello" and shows the key and the masked bytes', () => {
    const [frame] = decode(Buffer.from('818537fa213d7f9f4d5158', 'hex'))
    assert.equal(frame?.masked, true)
    assert.equal(frame?.maskingKey, '37fa213d')
    assert.equal(frame?.headerBytes, 6)
    assert.equal(frame?.payload, 'Hello')
    assert.equal(frame?.hex, '818537fa213d7f9f4d5158')
  })

  test('reads a 200-byte masked message in the 16-bit length form', () => {
    const text = 'é'.repeat(100) // 200 bytes of UTF-8
    const bytes = frameBytes({ opcode: 1, payload: text, mask })
    const [frame] = decode(bytes)
    assert.equal(frame?.lengthForm, 16)
    assert.equal(frame?.payloadLength, 200)
    assert.equal(frame?.headerBytes, 8)
    assert.equal(frame?.payload, text)
    assert.equal(frame?.hex, bytes.subarray(0, frameLimits.hexBytes).toString('hex'))
    assert.equal(frame?.truncated, false)
  })

  test('reads the 64-bit length form and keeps only the first KiB of a big payload', () => {
    const payload = Buffer.alloc(70_000, 0xab)
    const [frame] = decode(frameBytes({ opcode: 2, payload }), 4096)
    assert.equal(frame?.lengthForm, 64)
    assert.equal(frame?.headerBytes, 10)
    assert.equal(frame?.payloadLength, 70_000)
    assert.equal(frame?.opcodeName, 'binary')
    assert.equal(frame?.payload, 'ab'.repeat(frameLimits.payloadBytes))
    assert.equal(frame?.truncated, true)
    assert.equal(frame?.hex, `827f0000000000011170${'ab'.repeat(22)}`)
  })

  test('decodes the same frames whether fed whole, byte by byte, or split at every boundary', () => {
    const bytes = Buffer.concat([
      frameBytes({ opcode: 1, payload: 'x'.repeat(300), mask }),
      frameBytes({ opcode: 9, payload: 'are you there?', mask }),
      frameBytes({ opcode: 10, payload: '' }),
      frameBytes({ opcode: 8, payload: Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]) })
    ])
    const whole = decode(bytes)
    assert.deepEqual(
      whole.map((frame) => [frame.opcodeName, frame.payload.slice(0, 20)]),
      [
        ['text', 'xxxxxxxxxxxxxxxxxxxx'],
        ['ping', 'are you there?'],
        ['pong', ''],
        ['close', '1000 bye']
      ]
    )
    assert.deepEqual(decode(bytes, 1), whole)
    for (let split = 1; split < bytes.length; split++) {
      const frames: DecodedFrame[] = []
      const decoder = new FrameDecoder((frame) => frames.push(frame))
      decoder.push(bytes.subarray(0, split), 1000)
      decoder.push(bytes.subarray(split), 1000)
      assert.deepEqual(frames, whole, `split at byte ${split}`)
    }
  })

  test('reports RSV bits and a reserved opcode, showing such payloads as hex', () => {
    const [reserved] = decode(frameBytes({ opcode: 0x3, payload: 'hi', rsv: [false, true, true] }))
    assert.deepEqual(
      [reserved?.rsv1, reserved?.rsv2, reserved?.rsv3, reserved?.opcode, reserved?.opcodeName, reserved?.payload],
      [false, true, true, 3, 'reserved', '6869']
    )
    // RSV1 on a text frame means compressed (permessage-deflate): the bytes are not the text.
    const [compressed] = decode(frameBytes({ opcode: 1, payload: 'hi', rsv: [true, false, false] }))
    assert.equal(compressed?.rsv1, true)
    assert.equal(compressed?.payload, '6869')
  })

  test('shows a close as "code reason", and ping payloads as text only when they are UTF-8', () => {
    const close = Buffer.concat([Buffer.from([0x03, 0xf0]), Buffer.from('message is not JSON')])
    const [masked, bare, pingText, pingBinary] = decode(
      Buffer.concat([
        frameBytes({ opcode: 8, payload: close, mask }),
        frameBytes({ opcode: 8, payload: Buffer.from([0x03, 0xe9]) }),
        frameBytes({ opcode: 9, payload: 'tick' }),
        frameBytes({ opcode: 9, payload: Buffer.from([0xff, 0x00, 0xfe]) })
      ])
    )
    assert.equal(masked?.payload, '1008 message is not JSON')
    assert.equal(bare?.payload, '1001')
    assert.equal(pingText?.payload, 'tick')
    assert.equal(pingBinary?.payload, 'ff00fe')
  })

  test('shows continuation frames as the type of the message they continue', () => {
    const frames = decode(
      Buffer.concat([
        frameBytes({ opcode: 1, payload: 'hel', fin: false, mask }),
        frameBytes({ opcode: 9, payload: 'in between', mask }),
        frameBytes({ opcode: 0, payload: 'lo', fin: true, mask }),
        frameBytes({ opcode: 2, payload: 'ab', fin: false }),
        frameBytes({ opcode: 0, payload: 'cd', fin: true })
      ])
    )
    assert.deepEqual(
      frames.map((frame) => [frame.opcodeName, frame.fin, frame.payload]),
      [
        ['text', false, 'hel'],
        ['ping', true, 'in between'],
        ['continuation', true, 'lo'],
        ['binary', false, '6162'],
        ['continuation', true, '6364']
      ]
    )
  })

  test('never buffers a payload that declares a terabyte: it keeps a KiB and counts the rest', () => {
    const frames: DecodedFrame[] = []
    const decoder = new FrameDecoder((frame) => frames.push(frame))
    const header = Buffer.from([0x82, 127, 0, 0, 0x01, 0, 0, 0, 0, 0]) // 2^40 bytes
    decoder.push(header, 1000)
    const piece = Buffer.alloc(64 * 1024, 7)
    for (let i = 0; i < 160; i++) decoder.push(piece, 1000) // 10 MiB
    assert.equal(frames.length, 0, 'the frame is not complete')
    assert.ok(
      decoder.heldBytes <= frameLimits.payloadBytes + frameLimits.hexBytes,
      `holds ${decoder.heldBytes} bytes after 10 MiB`
    )
  })

  test('stamps each frame with the time its first byte arrived', () => {
    const frames: DecodedFrame[] = []
    const decoder = new FrameDecoder((frame) => frames.push(frame))
    const bytes = frameBytes({ opcode: 1, payload: 'late' })
    decoder.push(bytes.subarray(0, 1), 5)
    decoder.push(bytes.subarray(1), 9)
    assert.equal(frames[0]?.at, 5)
  })

  test('one frame buffer written to many sockets decodes the same on each, as its own item with its own time', () => {
    const shared = frameBytes({ opcode: 1, payload: '{"type":"event","event":{"id":7}}' })
    const expected = decode(Buffer.from(shared))[0]
    const items: DecodedFrame[] = []
    for (const at of [10, 11, 12]) {
      const decoder = new FrameDecoder((frame) => items.push(frame))
      decoder.push(shared, at)
    }
    assert.deepEqual(
      items.map((item) => item.at),
      [10, 11, 12]
    )
    for (const item of items) assert.deepEqual({ ...item, at: 1000 }, expected)
    assert.notEqual(items[0], items[1], 'each socket gets its own item (the store numbers it in place)')

    // The same buffer arriving mid-frame is bytes of that frame, not a new one.
    const frames: DecodedFrame[] = []
    const decoder = new FrameDecoder((frame) => frames.push(frame))
    const big = frameBytes({ opcode: 2, payload: Buffer.alloc(shared.length * 2 + 3, 1) })
    decoder.push(big.subarray(0, big.length - shared.length), 1)
    decoder.push(shared, 2)
    assert.deepEqual(
      frames.map((frame) => [frame.opcodeName, frame.payloadLength, frame.at]),
      [['binary', shared.length * 2 + 3, 1]]
    )
  })
})
