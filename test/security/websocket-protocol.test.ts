import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { limits } from '../../src/shared/feed-event.ts'
import { closeCodes } from '../../src/shared/websocket-messages.ts'
import { eventually } from '../helper.ts'
import {
  assertStillServing,
  closePayload,
  type FrameSpec,
  frame,
  opcodes,
  RawWebSocket,
  suiteServer
} from './raw-websocket.ts'

// The close codes ws gives when it fails a connection (node_modules/ws/lib/receiver.js).
const protocolError = 1002
const invalidUtf8 = 1007
const tooBig = 1009

// One server takes every abuse in turn: each test proves it still serves the next client.
const server = suiteServer()

const maxPayload = limits.websocketMaxPayload
/** "€" is E2 82 AC; E2 82 followed by "(" is a truncated sequence, invalid however it is split. */
const badUtf8 = Buffer.from([0x7b, 0xe2, 0x82, 0x28, 0x7d])

/** A JSON ping padded with spaces to exactly `bytes` bytes. */
function pingOfSize(bytes: number): string {
  const ping = '{"type":"ping","t":1}'
  return ping + ' '.repeat(bytes - ping.length)
}

/** Opens a raw socket and waits until the feed counts it, so a test can watch it leave. */
async function openRaw(t: TestContext): Promise<RawWebSocket> {
  const raw = await RawWebSocket.open(t, server(), `/feed/websocket?after=${server().app.feed.latest}`)
  await eventually(() => assert.equal(server().app.feed.subscriberCount, 1))
  return raw
}

/** The feed forgot the socket (no leaked subscriber) and a new client is served. */
async function assertRecovered(t: TestContext): Promise<void> {
  await eventually(() => assert.equal(server().app.feed.subscriberCount, 0, 'the closed socket left the feed'))
  await assertStillServing(t, server())
}

/**
 * Sends `bytes` and asserts ws fails the connection (RFC 6455 section 7.1.7): a
 * close frame with `code` and no reason, then the TCP connection closed by the server.
 */
async function assertFailed(t: TestContext, bytes: Buffer[], code: number): Promise<void> {
  const raw = await openRaw(t)
  raw.write(...bytes)
  assert.deepEqual(await raw.closeFrame(), { code, reason: '' })
  await raw.closedWithin()
  await assertRecovered(t)
}

const text = (payload: Buffer | string, spec: Partial<FrameSpec> = {}) =>
  frame({ opcode: opcodes.text, payload, ...spec })

describe('WebSocket frames that break RFC 6455 fail the connection, and the server serves the next client', () => {
  const cases: [string, Buffer[], number][] = [
    ['an unmasked client frame', [text('{}', { masked: false })], protocolError],
    ['a frame with RSV1 set (no extension was negotiated)', [text('{}', { rsv1: true })], protocolError],
    ['a frame with RSV2 set', [text('{}', { rsv2: true })], protocolError],
    ['a frame with RSV3 set', [text('{}', { rsv3: true })], protocolError],
    ...[0x3, 0x4, 0x5, 0x6, 0x7].map((opcode): [string, Buffer[], number] => [
      `a frame with the reserved non-control opcode 0x${opcode.toString(16)}`,
      [frame({ opcode, payload: '{}' })],
      protocolError
    ]),
    ...[0xb, 0xc, 0xd, 0xe, 0xf].map((opcode): [string, Buffer[], number] => [
      `a frame with the reserved control opcode 0x${opcode.toString(16)}`,
      [frame({ opcode })],
      protocolError
    ]),
    ['a ping with a 126-byte payload', [frame({ opcode: opcodes.ping, payload: 'p'.repeat(126) })], protocolError],
    [
      'a close with a 126-byte payload',
      [frame({ opcode: opcodes.close, payload: closePayload(1000, 'r'.repeat(124)) })],
      protocolError
    ],
    [
      'a ping without FIN (control frames cannot be fragmented)',
      [frame({ opcode: opcodes.ping, fin: false })],
      protocolError
    ],
    ['a close without FIN', [frame({ opcode: opcodes.close, payload: closePayload(1000), fin: false })], protocolError],
    [
      'a continuation frame with no message to continue',
      [frame({ opcode: opcodes.continuation, payload: '{}' })],
      protocolError
    ],
    [
      'a new text frame while a fragmented message is unfinished',
      [text('{"type":', { fin: false }), text('"ping","t":1}')],
      protocolError
    ],
    [
      'a new binary frame while a fragmented message is unfinished',
      [text('{"type":', { fin: false }), frame({ opcode: opcodes.binary, payload: 'x' })],
      protocolError
    ],
    ['a text frame of invalid UTF-8', [text(badUtf8)], invalidUtf8],
    [
      'invalid UTF-8 split across two fragments',
      [
        text(badUtf8.subarray(0, 3), { fin: false }),
        frame({ opcode: opcodes.continuation, payload: badUtf8.subarray(3) })
      ],
      invalidUtf8
    ],
    [
      'a close reason of invalid UTF-8',
      [frame({ opcode: opcodes.close, payload: closePayload(1000, badUtf8) })],
      invalidUtf8
    ],
    ...[0, 999, 1004, 1005, 1006, 1015, 2999, 5000].map((code): [string, Buffer[], number] => [
      `a close frame with the code ${code}, which no endpoint may send,`,
      [frame({ opcode: opcodes.close, payload: closePayload(code) })],
      protocolError
    ]),
    [
      'a close with a 1-byte payload (half a code)',
      [frame({ opcode: opcodes.close, payload: Buffer.from([0x03]) })],
      protocolError
    ]
  ]

  for (const [name, bytes, code] of cases) {
    test(`${name} is closed with ${code}`, async (t) => {
      await assertFailed(t, bytes, code)
    })
  }
})

describe('WebSocket messages over maxPayload are refused from their header, without buffering them', () => {
  test(`a text message of exactly maxPayload (${maxPayload} bytes) is accepted`, async (t) => {
    const raw = await openRaw(t)
    raw.send({ opcode: opcodes.text, payload: pingOfSize(maxPayload) })
    const [answer] = await raw.frames.waitFor(1)
    assert.deepEqual(JSON.parse(String(answer?.payload)), { type: 'pong', t: 1 })
    await assertStillServing(t, server())
  })

  test('maxPayload bytes that are not JSON get our own 1007 with a reason, not 1009', async (t) => {
    const raw = await openRaw(t)
    raw.send({ opcode: opcodes.text, payload: 'x'.repeat(maxPayload) })
    assert.deepEqual(await raw.closeFrame(), { code: closeCodes.invalidPayload, reason: 'message is not JSON' })
    await raw.answerClose()
    await assertRecovered(t)
  })

  test('maxPayload + 1 bytes are closed with 1009 by ws, before the app reads them', async (t) => {
    await assertFailed(t, [text(pingOfSize(maxPayload + 1))], tooBig)
  })

  test('a declared length over maxPayload is closed with 1009 from the header alone', async (t) => {
    // Only the 4-byte header and the mask are written: the answer cannot have waited for the payload.
    await assertFailed(t, [text('', { declaredLength: maxPayload + 1, lengthForm: 16 })], tooBig)
  })

  test('a 64-bit length with the top bit set is closed with 1009 without allocating it', async (t) => {
    await assertFailed(t, [text('', { declaredLength: 2n ** 63n + 5n, lengthForm: 64 })], tooBig)
  })

  test('an absurd declared length (1 TiB) is closed with 1009 without allocating it', async (t) => {
    const before = process.memoryUsage().rss
    await assertFailed(t, [text('', { declaredLength: 2n ** 40n, lengthForm: 64 })], tooBig)
    assert.ok(process.memoryUsage().rss - before < 64 * 1024 * 1024, 'memory did not grow with the declared length')
  })

  test('a flood of 1-byte fragments without FIN is closed with 1009 once the total passes maxPayload', async (t) => {
    const first = text('x', { fin: false })
    const more = Array.from({ length: maxPayload + 10 }, () =>
      frame({ opcode: opcodes.continuation, payload: 'x', fin: false })
    )
    await assertFailed(t, [first, ...more], tooBig)
  })

  test('a flood of empty fragments is cut by ws at 16,384 fragments with 1008, however little it weighs', async (t) => {
    const first = text('', { fin: false })
    const more = Array.from({ length: 16_400 }, () => frame({ opcode: opcodes.continuation, fin: false }))
    await assertFailed(t, [first, ...more], closeCodes.policyViolation)
  })

  test('a message of maxPayload bytes over many fragments, UTF-8 split mid-character, is accepted', async (t) => {
    const raw = await openRaw(t)
    const message = Buffer.from(`{"type":"ping","t":2,"pad":"€${'y'.repeat(maxPayload - 33)}"}`)
    assert.equal(message.length, maxPayload)
    // Cut right inside the 3-byte "€", then every 100 bytes.
    const cuts = [29, ...Array.from({ length: 40 }, (_, i) => 100 * (i + 1))]
    const pieces = [0, ...cuts].map((start, i) => message.subarray(start, cuts[i] ?? message.length))
    raw.write(
      ...pieces.map((payload, i) =>
        frame({ opcode: i === 0 ? opcodes.text : opcodes.continuation, payload, fin: i === pieces.length - 1 })
      )
    )
    const [answer] = await raw.frames.waitFor(1)
    assert.deepEqual(JSON.parse(String(answer?.payload)), { type: 'pong', t: 2 })
    await assertStillServing(t, server())
  })
})

describe('WebSocket control frames', () => {
  test('a ping with a 125-byte payload gets a pong with the identical payload', async (t) => {
    const raw = await openRaw(t)
    const payload = Buffer.from(Array.from({ length: 125 }, (_, i) => i))
    raw.send({ opcode: opcodes.ping, payload })
    const [pong] = await raw.frames.waitFor(1)
    assert.equal(pong?.opcode, opcodes.pong)
    assert.equal(pong?.masked, false, 'server frames are never masked')
    assert.deepEqual(pong?.payload, payload)
    await assertStillServing(t, server())
  })

  test('2,000 pings, 50 at a time, are each answered with a pong and the socket stays open', async (t) => {
    const raw = await openRaw(t)
    for (let sent = 0; sent < 2000; sent += 50) {
      raw.write(...Array.from({ length: 50 }, (_, i) => frame({ opcode: opcodes.ping, payload: String(sent + i) })))
      await raw.frames.waitFor(sent + 50)
    }
    const pongs = raw.frames.items.filter((item) => item.opcode === opcodes.pong)
    assert.equal(pongs.length, 2000)
    assert.deepEqual(
      pongs.map((pong) => String(pong.payload)),
      Array.from({ length: 2000 }, (_, i) => String(i))
    )
    raw.send({ opcode: opcodes.text, payload: '{"type":"ping","t":3}' })
    const answer = (await raw.frames.waitFor(2001))[2000]
    assert.deepEqual(JSON.parse(String(answer?.payload)), { type: 'pong', t: 3 }, 'the socket still works')
    await assertStillServing(t, server())
  })

  test('2,000 pings in one burst are cut after 60 unsent pongs (ws maxPendingAutoPongs), the server unharmed', async (t) => {
    const raw = await openRaw(t)
    raw.write(...Array.from({ length: 2000 }, (_, i) => frame({ opcode: opcodes.ping, payload: String(i) })))
    await raw.closedWithin()
    const pongs = raw.frames.items.filter((item) => item.opcode === opcodes.pong)
    assert.ok(pongs.length <= 60, `at most 60 pongs were queued, got ${pongs.length}`)
    await assertRecovered(t)
  })

  test('a valid close (1000) is echoed with its code, then the server hangs up', async (t) => {
    const raw = await openRaw(t)
    raw.send({ opcode: opcodes.close, payload: closePayload(1000, 'bye') })
    assert.deepEqual(await raw.closeFrame(), { code: 1000, reason: 'bye' })
    await raw.closedWithin()
    await assertRecovered(t)
  })
})

describe("WebSocket messages our app refuses get the app's own close code and reason", () => {
  for (const [name, spec, code] of [
    ['a binary message', { opcode: opcodes.binary, payload: '{"type":"ping","t":1}' }, closeCodes.unsupportedData],
    ['text that is not JSON', { opcode: opcodes.text, payload: 'hello?' }, closeCodes.invalidPayload],
    ['JSON of the wrong shape', { opcode: opcodes.text, payload: '{"type":"shout"}' }, closeCodes.policyViolation]
  ] as const) {
    test(`${name} is closed with ${code}`, async (t) => {
      const raw = await openRaw(t)
      raw.send(spec)
      const closed = await raw.closeFrame()
      assert.equal(closed.code, code)
      assert.ok(closed.reason.length > 0, 'the app says why')
      await raw.answerClose()
      await assertRecovered(t)
    })
  }
})

describe('a WebSocket cut mid-frame', () => {
  test('leaves no subscriber behind, and the next client is served', async (t) => {
    const raw = await openRaw(t)
    const whole = text(pingOfSize(1000))
    raw.write(whole.subarray(0, 8 + 500)) // header (4), mask (4) and half the payload
    await new Promise((resolve) => setImmediate(resolve))
    raw.destroy()
    await assertRecovered(t)
  })
})
