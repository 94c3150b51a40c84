// The soak's connection watch names who ended a stream the way the wire shows it: a response the server
// ended, a FIN in the middle of one, a reset, a client's timeout; a close the client made itself is not a cut.
import assert from 'node:assert/strict'
import { createServer, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { ConnectionTally, cutFrom, watchedIo, watchRequest } from '../bench/soak-connections.ts'
import { nodeIo } from './node-io.ts'

/** A server that starts a never-ending response, then does `end` to it 50 ms later. */
async function streamingServer(end: (res: ServerResponse) => void) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write('data: 1\n\n')
    setTimeout(() => end(res), 50)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { origin, close: () => new Promise((resolve) => server.close(resolve)) }
}

const ends = {
  'the server ends the response': { end: (res: ServerResponse) => res.end(), closer: 'server' },
  'the server sends a FIN in the middle of it': { end: (res: ServerResponse) => res.socket?.end(), closer: 'server' },
  'the server resets the connection': { end: (res: ServerResponse) => res.socket?.resetAndDestroy(), closer: 'error' }
} as const

/** Reads a body to its end or its error. */
async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  const reader = body?.getReader()
  try {
    while (reader && !(await reader.read()).done) {}
  } catch {}
}

describe('soak connection watch', () => {
  for (const [when, { end, closer }] of Object.entries(ends)) {
    test(`a streaming fetch: ${when} is counted as closed by ${closer}`, async (t) => {
      const server = await streamingServer(end)
      t.after(server.close)
      const tally = new ConnectionTally(Date.now())
      const io = watchedIo(
        nodeIo(server.origin),
        tally.watch('c1', () => true)
      )
      await drain((await io.fetch(`${server.origin}/`)).body)
      assert.equal(tally.opened, 1)
      assert.deepEqual(tally.closedBy, { server: 0, 'client timeout': 0, error: 0, [closer]: 1 }, tally.samples.join())
    })

    test(`a Node http request: ${when} is counted as closed by ${closer}`, async (t) => {
      const server = await streamingServer(end)
      t.after(server.close)
      const tally = new ConnectionTally(Date.now())
      const req = request(`${server.origin}/`, { agent: false })
      watchRequest(
        req,
        tally.watch('c1', () => true)
      )
      const closed = new Promise((resolve) => req.once('close', resolve))
      req.on('response', (res) => res.resume().on('error', () => {}))
      req.on('error', () => {})
      req.end()
      await closed
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(tally.opened, 1)
      assert.deepEqual(tally.closedBy, { server: 0, 'client timeout': 0, error: 0, [closer]: 1 }, tally.samples.join())
    })
  }

  test('a stream the client aborts after it stopped is not a cut', async (t) => {
    const server = await streamingServer(() => {})
    t.after(server.close)
    const tally = new ConnectionTally(Date.now())
    let running = true
    const io = watchedIo(
      nodeIo(server.origin),
      tally.watch('c1', () => running)
    )
    const abort = new AbortController()
    const response = await io.fetch(`${server.origin}/`, { signal: abort.signal })
    running = false
    abort.abort()
    await drain(response.body)
    assert.equal(tally.opened, 1)
    assert.equal(tally.cuts, 0)
  })

  test("undici's body and header timeouts are the client's, its 'other side closed' the server's", () => {
    const terminated = (code: string, message: string) => new TypeError('terminated', { cause: { code, message } })
    assert.equal(cutFrom(terminated('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error'))?.closer, 'client timeout')
    assert.equal(cutFrom(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' }))?.closer, 'client timeout')
    assert.equal(cutFrom(terminated('UND_ERR_SOCKET', 'other side closed'))?.closer, 'server')
    assert.equal(cutFrom(new DOMException('aborted', 'AbortError')), undefined)
  })
})
