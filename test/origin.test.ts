import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import { openWebSocket } from './clients.ts'
import { startServer, type TestServer } from './helper.ts'

/** Tries a WebSocket handshake and reports the HTTP answer it got instead of 101. */
function refusal(t: TestContext, server: TestServer, path: string, headers: Record<string, string>) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers })
  t.after(() => ws.terminate())
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    ws.once('open', () => reject(new Error('the WebSocket opened')))
    ws.once('error', () => {})
    ws.once('unexpected-response', (_request, response) => {
      let body = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        body += chunk
      })
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }))
    })
  })
}

describe('WebSocket Origin check', () => {
  test("opens for the server's own origin", async (t) => {
    const server = await startServer(t)
    const { ws } = await openWebSocket(t, server)
    assert.equal(ws.readyState, WebSocket.OPEN)
    ws.close()
  })

  for (const [name, headers] of [
    ['a foreign origin', { origin: 'http://evil.example' }],
    ['a missing Origin', {}],
    ['the opaque origin "null"', { origin: 'null' }],
    ['a look-alike origin', { origin: 'http://127.0.0.1.evil.example' }]
  ] as const) {
    test(`refuses ${name} with 403 before the upgrade`, async (t) => {
      const server = await startServer(t)
      const { status, body } = await refusal(t, server, '/feed/websocket', headers)
      assert.equal(status, 403)
      assert.equal(body.code, 'WW_ERR_ORIGIN')
      assert.equal(body.statusCode, 403)
      assert.equal(typeof body.message, 'string')
      assert.equal(server.app.feed.subscriberCount, 0, 'the handler never ran')
    })
  }

  test('opens for an origin listed in allowedOrigins (ALLOWED_ORIGINS), and still refuses others', async (t) => {
    const server = await startServer(t, { allowedOrigins: ['https://teacher.example', 'http://lab.example:8080'] })
    for (const origin of ['https://teacher.example', 'http://lab.example:8080']) {
      const { ws } = await openWebSocket(t, server, '/feed/websocket', { origin })
      ws.close()
    }
    const { status } = await refusal(t, server, '/feed/websocket', { origin: 'https://student.example' })
    assert.equal(status, 403)
  })

  test('guards the page stats channel /wire/live the same way', async (t) => {
    const server = await startServer(t)
    assert.equal((await refusal(t, server, '/wire/live', { origin: 'http://evil.example' })).status, 403)
    const { ws } = await openWebSocket(t, server, '/wire/live')
    ws.close()
  })
})
