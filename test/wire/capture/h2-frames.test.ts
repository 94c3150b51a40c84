import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import type { ServerHttp2Session } from 'node:http2'
import { describe, test } from 'node:test'
import { CaptureStore } from '../../../src/server/wire/capture/capture-store.ts'
import { captureHttp2Frames } from '../../../src/server/wire/capture/h2-frames.ts'
import { FrameHook } from '../../../src/server/wire/h2/frame-hook.ts'
import type { TappedFrame } from '../../../src/server/wire/h2/tap-sessions.ts'
import type { CaptureItem, Http2FrameItem } from '../../../src/shared/capture.ts'
import { connectH2 } from '../../h2-client.ts'
import { clientId, eventually, publishTicks, startServer } from '../../helper.ts'

/** What Chromium sends with a page's fetch (its user agent shortened): the head polling repeats. */
const browserHeaders = {
  'sec-ch-ua': '"Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'sec-ch-ua-platform': '"Linux"',
  accept: '*/*',
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'cors',
  'sec-fetch-dest': 'empty',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'en-US,en;q=0.9'
}

const requestHeaders = (block: Buffer, streamId: number): TappedFrame => ({
  direction: 'in',
  type: 0x1,
  flags: 0x5,
  streamId,
  length: block.length,
  payload: block
})
const h2Frames = (items: CaptureItem[]) => items.filter((item): item is Http2FrameItem => item.kind === 'h2-frame')
const headersFrames = (items: CaptureItem[], direction: 'in' | 'out') =>
  h2Frames(items).filter((item) => item.typeName === 'HEADERS' && item.direction === direction)
const pairs = (item: Http2FrameItem | undefined) => (item?.fields ?? []).map(({ name, value }) => `${name}: ${value}`)

describe('HTTP/2 frame capture', () => {
  test("a poll's request HEADERS decode to what the client sent, and shrink from the second poll on", async (t) => {
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    const client = clientId('h2cap')
    const paths = [`/feed/polling?client=${client}&after=0`, `/feed/polling?client=${client}&after=1`]
    for (const path of paths) assert.equal((await h2.get(path, browserHeaders)).status, 200)

    const items = await eventually(() => {
      const found = server.app.capture.since(client, 'polling')
      assert.equal(headersFrames(found, 'out').length, 2)
      return found
    })
    const [first, second] = headersFrames(items, 'in')
    for (const [i, sent] of [first, second].entries()) {
      assert.ok(sent?.fields, 'decoded')
      assert.deepEqual(
        pairs(sent).filter((pair) => pair.startsWith(':')),
        // In the order Node's client sends them.
        [`:path: ${paths[i]}`, ':method: GET', `:authority: 127.0.0.1:${server.port}`, ':scheme: https']
      )
      assert.deepEqual(
        pairs(sent).filter((pair) => !pair.startsWith(':')),
        Object.entries(browserHeaders).map(([name, value]) => `${name}: ${value}`)
      )
      assert.deepEqual(sent.flagNames, ['END_STREAM', 'END_HEADERS'])
      assert.equal(sent.blockBytes, sent.length)
      assert.equal(sent.headerBytes, 9)
    }
    assert.ok(first && second && first.asHttp1Bytes !== undefined && second.asHttp1Bytes !== undefined)
    // Every header was new in the first request (literals added to the table); the second names them by index.
    assert.ok(first.fields?.some((field) => field.representation === 'literal-incremental'))
    assert.ok(
      second.fields?.filter((field) => !field.name.startsWith(':')).every((field) => field.representation === 'indexed')
    )
    assert.ok(second.length * 3 < first.length, `${second.length} B after ${first.length} B`)
    assert.ok(second.length * 5 < second.asHttp1Bytes, `${second.length} B for ${second.asHttp1Bytes} B as HTTP/1.1`)
    assert.ok(first.asHttp1Bytes > 400)

    const [answer] = headersFrames(items, 'out')
    assert.equal(answer?.fields?.[0]?.name, ':status')
    assert.equal(answer?.fields?.[0]?.value, '200')
    assert.ok(h2Frames(items).some((item) => item.typeName === 'DATA' && item.payload?.startsWith('{')))
    t.diagnostic(
      `request HEADERS ${first.length} B then ${second.length} B, as HTTP/1.1 ${first.asHttp1Bytes} B then ${second.asHttp1Bytes} B; ` +
        `response HEADERS ${headersFrames(items, 'out')
          .map((item) => `${item.length} B (as HTTP/1.1 ${item.asHttp1Bytes} B)`)
          .join(', ')}`
    )
  })

  test("an SSE stream's DATA frames carry the event text, under sse for its page only", async (t) => {
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    const client = clientId('h2sse')
    const other = clientId('h2other')
    const sse = await h2.open(`/feed/sse?client=${client}`)
    await h2.get(`/feed/polling?client=${other}&after=0`)
    publishTicks(server.app, 2)
    await sse.until((text) => text.includes('id: 2'))

    const items = await eventually(() => {
      const found = h2Frames(server.app.capture.since(client))
      assert.ok(found.some((item) => item.typeName === 'DATA' && item.payload?.includes('id: 2')))
      return found
    })
    assert.ok(items.every((item) => item.technique === 'sse'))
    assert.ok(items.every((item) => item.streamId === 0 || item.streamId === sse.streamId))
    const data = items.filter((item) => item.typeName === 'DATA').map((item) => item.payload ?? '')
    assert.ok(data.some((text) => /^id: 1\ndata: /m.test(text)))
    assert.ok(items.some((item) => item.typeName === 'HEADERS' && item.direction === 'out'))
    // The connection's SETTINGS came before any stream: they go with the first technique stream named.
    assert.ok(items.some((item) => item.streamId === 0 && item.typeName === 'SETTINGS'))

    const others = h2Frames(server.app.capture.since(other))
    assert.ok(others.length > 0)
    assert.ok(others.every((item) => item.technique === 'polling' && item.streamId !== sse.streamId))
    assert.deepEqual(server.app.capture.since(client, 'polling'), [])
  })

  test('streams of the page itself are not captured, and their HEADERS still feed the HPACK tables', async (t) => {
    const server = await startServer(t, { http2: true })
    const h2 = await connectH2(t, server)
    const client = clientId('h2page')
    await h2.get('/', browserHeaders)
    await h2.get(`/feed/polling?client=${client}&after=0`, browserHeaders)
    const items = await eventually(() => {
      const found = h2Frames(server.app.capture.since(client))
      assert.equal(headersFrames(found, 'out').length, 1)
      return found
    })
    const [request] = headersFrames(items, 'in')
    // Indexed from the entries the page's request added: decoding it needed that block decoded first.
    assert.deepEqual(
      pairs(request).slice(4),
      Object.entries(browserHeaders).map(([name, value]) => `${name}: ${value}`)
    )
    assert.ok(request?.fields?.slice(4).every((field) => field.representation === 'indexed'))
  })

  test('an HPACK decoding error is reported once and never thrown into the traffic', () => {
    const hook = new FrameHook()
    const reported: unknown[] = []
    captureHttp2Frames(hook, new CaptureStore(), (error) => reported.push(error))
    const session = new EventEmitter() as unknown as ServerHttp2Session
    assert.doesNotThrow(() => {
      hook.publish(session, requestHeaders(Buffer.from('ff00', 'hex'), 1))
      hook.publish(session, requestHeaders(Buffer.from('82', 'hex'), 3))
    })
    assert.equal(reported.length, 1)
  })
})
