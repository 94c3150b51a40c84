import assert from 'node:assert/strict'
import type { TestContext } from 'node:test'
import { describe, test } from 'node:test'
import QRCode from 'qrcode'
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

/** Collects the app's log lines (pino JSON), to count what the server says. */
function logLines() {
  const lines: { level: number; msg: string; origin?: string; host?: string }[] = []
  const logger = { level: 'warn', stream: { write: (line: string) => void lines.push(JSON.parse(line)) } }
  return { lines, logger }
}

/** `POST /wire/origin-check` with this Origin, as the page sends it after its WebSocket failed. */
async function originCheck(server: TestServer, origin: string) {
  const response = await fetch(`${server.url}/wire/origin-check?client=banner-test`, {
    method: 'POST',
    headers: { origin }
  })
  assert.equal(response.status, 200)
  return (await response.json()) as Record<string, unknown>
}

describe('behind a reverse proxy (PUBLIC_URL)', () => {
  // nginx's documented WebSocket config sends no Host line: the upstream sees its own address as
  // Host, while the browser's Origin is the proxy's.
  const proxyOrigin = 'http://proxy.example'

  test("opens for PUBLIC_URL's origin although the Host is the server's own address", async (t) => {
    const server = await startServer(t, { publicUrl: `${proxyOrigin}/` })
    const { ws } = await openWebSocket(t, server, '/feed/websocket', { origin: proxyOrigin })
    assert.equal(ws.readyState, WebSocket.OPEN)
    const live = await openWebSocket(t, server, '/wire/live', { origin: proxyOrigin })
    assert.equal(live.ws.readyState, WebSocket.OPEN)
  })

  test("still opens for the server's own origin, and still refuses any other", async (t) => {
    const server = await startServer(t, { publicUrl: `${proxyOrigin}/` })
    const { ws } = await openWebSocket(t, server)
    assert.equal(ws.readyState, WebSocket.OPEN)
    for (const origin of ['https://proxy.example', 'http://proxy.example:8080', 'http://evil.example'])
      assert.equal((await refusal(t, server, '/feed/websocket', { origin })).status, 403, origin)
  })

  test("refuses the proxy's origin without PUBLIC_URL, with 403", async (t) => {
    const server = await startServer(t)
    assert.equal((await refusal(t, server, '/wire/live', { origin: proxyOrigin })).status, 403)
  })

  test('POST /wire/origin-check says the Origin is refused, names both addresses and the setting', async (t) => {
    const server = await startServer(t)
    assert.deepEqual(await originCheck(server, proxyOrigin), {
      accepted: false,
      origin: proxyOrigin,
      host: `127.0.0.1:${server.port}`,
      setting: 'PUBLIC_URL',
      message: `it came through ${proxyOrigin} (Origin), but the server thinks it is 127.0.0.1:${server.port} (Host). If a proxy is in front, start the server with PUBLIC_URL=${proxyOrigin}.`
    })
  })

  test('POST /wire/origin-check says accepted for our own origin and for PUBLIC_URL’s', async (t) => {
    const server = await startServer(t, { publicUrl: `${proxyOrigin}/` })
    for (const origin of [server.origin, proxyOrigin]) {
      const verdict = await originCheck(server, origin)
      assert.equal(verdict.accepted, true, origin)
      assert.equal(verdict.message, '')
    }
  })

  test('POST /wire/origin-check with PUBLIC_URL set and another origin says which address to open', async (t) => {
    const server = await startServer(t, { publicUrl: 'https://wirewatch.school.example/' })
    const verdict = await originCheck(server, proxyOrigin)
    assert.equal(verdict.accepted, false)
    assert.match(
      String(verdict.message),
      /but PUBLIC_URL is https:\/\/wirewatch\.school\.example\. Open the page at https:\/\/wirewatch\.school\.example, or start the server with PUBLIC_URL=http:\/\/proxy\.example\./
    )
  })

  test('logs a refusal once per origin/host pair, not once per attempt', async (t) => {
    const { lines, logger } = logLines()
    const server = await startServer(t, { logger })
    for (let attempt = 0; attempt < 5; attempt++) await refusal(t, server, '/wire/live', { origin: proxyOrigin })
    await refusal(t, server, '/feed/websocket', { origin: proxyOrigin })
    await refusal(t, server, '/wire/live', { origin: 'http://other-proxy.example' })
    const refusals = lines.filter((line) => line.msg.startsWith('refused a WebSocket'))
    assert.deepEqual(
      refusals.map((line) => line.origin),
      [proxyOrigin, 'http://other-proxy.example']
    )
    assert.equal(refusals[0]?.level, 40, 'a warning')
    assert.equal(
      refusals[0]?.msg,
      `refused a WebSocket on /wire/live: it came through ${proxyOrigin} (Origin), but the server thinks it is 127.0.0.1:${server.port} (Host). If a proxy is in front, start the server with PUBLIC_URL=${proxyOrigin}.`
    )
  })

  test('the student address and its QR code are PUBLIC_URL', async (t) => {
    const server = await startServer(t, {
      publicUrl: 'https://wirewatch.school.example/',
      studentUrl: 'http://10.0.0.5:3000/'
    })
    const { url } = (await (await fetch(`${server.url}/classroom/student-url`)).json()) as { url: string }
    assert.equal(url, 'https://wirewatch.school.example/')
    const qr = await (await fetch(`${server.url}/classroom/qr.svg`)).text()
    const expected = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
    assert.equal(qr, expected, 'the QR code encodes PUBLIC_URL')
  })
})
