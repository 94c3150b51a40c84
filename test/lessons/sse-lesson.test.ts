import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sseBlock } from '../../src/server/feed/encoded.ts'
import { readLessons } from '../../src/server/lessons/lesson-files.ts'
import { eventStreamFormat, sseDefaults } from '../../src/server/techniques/sse.ts'

/** Bytes a piece written into a chunked response takes on the wire: its size in hex, CRLF, the piece, CRLF. */
const chunked = (bytes: number) => bytes.toString(16).length + 2 + bytes + 2

describe('lesson 5 (Server-Sent Events): its byte counts are what the server writes', () => {
  const lesson = readLessons().find((each) => each.slug === 'server-sent-events')
  const markdown = lesson?.markdown ?? ''

  test('the event block it shows is this server’s, and costs the 21 bytes over the JSON and 86 on the wire it says', () => {
    const shown = /^id: 42\ndata: (\{.*\})$/m.exec(markdown)
    assert.ok(shown?.[1], 'the lesson shows event 42')
    const block = sseBlock(JSON.parse(shown[1]))
    assert.ok(
      markdown.includes(block.toString().trimEnd()),
      'its id:/data: lines are written as the server writes them'
    )
    const wire = chunked(block.length)
    assert.equal(wire - shown[1].length, 21)
    assert.equal(wire, 86)
    assert.match(markdown, /JSON\nplus 21 bytes when its id has two digits/)
    assert.match(markdown, /That is 86 bytes for\nevent 42 above/)
    assert.match(markdown, /chunk size `50`/)
    assert.equal(block.length.toString(16), '50')
  })

  test('the heartbeat it quotes is 18 bytes every 15 s on the wire', () => {
    const { keepAlive } = eventStreamFormat(sseDefaults)
    assert.equal(chunked(Buffer.byteLength(keepAlive.text)), 18)
    assert.equal(keepAlive.everyMs, 15_000)
    assert.match(markdown, /heartbeat \(18 bytes every\n15 s\)/)
  })
})
