import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { framingHeaders } from '../../../src/server/wire/capture/http-framing.ts'
import { HttpStream } from '../../../src/server/wire/capture/http-stream.ts'

/**
 * An HttpStream that owns the requests whose target contains `mine`, and lists what it reports. Here the
 * test plays the route: a target under `/feed/sse` is declared to stream.
 */
function streamOwning(mine: string) {
  const reported: string[] = []
  const stream = new HttpStream<string>({
    owner: ({ head }) => {
      const target = head.split(' ')[1] ?? ''
      return { tag: target.includes(mine) ? target : undefined, streams: target.startsWith('/feed/sse') }
    },
    request: (tag, { bodyBytes, source }) => reported.push(`request ${tag} ${source} ${bodyBytes}`),
    response: (tag, { status }) => reported.push(`response ${tag} ${status}`),
    stream: (tag, { data }) => reported.push(`stream ${tag} ${JSON.stringify(data.toString())}`),
    upgraded: (tag) => reported.push(`upgraded ${tag}`),
    frame: (tag, direction, { payload }) => reported.push(`frame ${tag} ${direction} ${payload}`)
  })
  return { stream, reported }
}

const sseHead = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n'
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`
const upgradeHead = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'

describe('HttpStream', () => {
  test('follows an event stream it owns chunk by chunk, and keeps following its connection', () => {
    const { stream, reported } = streamOwning('mine')
    stream.parsedRequest('GET /feed/sse?mine HTTP/1.1\r\n\r\n', 1, false)
    stream.wrote(Buffer.from(sseHead + chunk('id: 1\ndata: {}\n\n')), 2)
    assert.equal(stream.ignoring, false)
    assert.deepEqual(reported, [
      'request /feed/sse?mine parsed-by-node 0',
      'response /feed/sse?mine 200',
      `stream /feed/sse?mine ${JSON.stringify('id: 1\ndata: {}\n\n')}`
    ])
  })

  test('stops following a connection once it carries an event stream or a WebSocket no one owns', () => {
    for (const [head, upgrade] of [
      [sseHead, false],
      [upgradeHead, true]
    ] as const) {
      const { stream, reported } = streamOwning('mine')
      stream.parsedRequest(`GET /feed/${upgrade ? 'websocket' : 'sse'}?other HTTP/1.1\r\n\r\n`, 1, false)
      stream.wrote(Buffer.from(head), 2)
      assert.equal(stream.ignoring, true, head)
      stream.wrote(Buffer.from(upgrade ? [0x81, 0x02, 0x68, 0x69] : chunk('id: 1\n\n')), 3)
      assert.deepEqual(reported, [])
    }
  })

  test('keeps following a kept-alive connection after a response no one owns that has an end', () => {
    const { stream, reported } = streamOwning('mine')
    stream.parsedRequest('GET /feed/polling?other HTTP/1.1\r\n\r\n', 1, false)
    stream.wrote(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]'), 2)
    assert.equal(stream.ignoring, false)
    stream.parsedRequest('GET /feed/polling?mine HTTP/1.1\r\n\r\n', 3, false)
    stream.wrote(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]'), 4)
    assert.deepEqual(reported, ['request /feed/polling?mine parsed-by-node 0', 'response /feed/polling?mine 200'])
  })

  test("counts a parsed request's body as Node delivers it, and reports the request once its body has ended", () => {
    const { stream, reported } = streamOwning('mine')
    stream.parsedRequest('POST /feed/ajax?mine HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n', 1, true)
    stream.parsedBody(5)
    assert.deepEqual(reported, [], 'not before its body has ended')
    stream.parsedBody(6)
    stream.parsedBodyEnd()
    assert.equal(stream.idle, false, 'waiting for its answer')
    stream.wrote(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'), 2)
    assert.equal(stream.idle, true)
    assert.deepEqual(reported, ['request /feed/ajax?mine parsed-by-node 11', 'response /feed/ajax?mine 204'])
  })

  test('reports a parsed request with the body so far when the answer comes before its end', () => {
    const { stream, reported } = streamOwning('mine')
    stream.parsedRequest('POST /feed/ajax?mine HTTP/1.1\r\ncontent-length: 100\r\n\r\n', 1, true)
    stream.parsedBody(40)
    stream.wrote(Buffer.from('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n'), 2)
    stream.parsedBody(60)
    stream.parsedBodyEnd()
    assert.deepEqual(reported, ['request /feed/ajax?mine parsed-by-node 40', 'response /feed/ajax?mine 413'])
  })

  test('reads request bytes, framing included, and says they came from the socket', () => {
    const { stream, reported } = streamOwning('mine')
    stream.read(
      Buffer.from('POST /feed/ajax?mine HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'),
      1
    )
    assert.deepEqual(reported, ['request /feed/ajax?mine socket-bytes 15'])
  })
})

describe('framingHeaders', () => {
  test('finds only what frames the body, in any case and spacing, repeated ones joined', () => {
    const head =
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTRANSFER-ENCODING:gzip \r\nX-Content-Length: 9\r\n' +
      'transfer-encoding:  chunked\r\nDate: Mon, 07 Dec 2026 00:00:00 GMT\r\n\r\n'
    assert.deepEqual([...framingHeaders(head)], [['transfer-encoding', 'gzip, chunked']])
    assert.deepEqual([...framingHeaders('HTTP/1.1 200 OK\r\ncontent-length: 24\r\n\r\n')], [['content-length', '24']])
  })
})
