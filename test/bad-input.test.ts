import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { limits } from '../src/shared/feed-event.ts'
import { closeCodes } from '../src/shared/websocket-messages.ts'
import { eventIds, openWebSocket } from './clients.ts'
import { asPresenter, errorBody, eventually, publishTicks, range, startServer } from './helper.ts'

const tooLongId = 'x'.repeat(65)

describe('bad queries', () => {
  const cases: [string, Record<string, string>?][] = [
    ['/feed/ajax?after=-1'],
    ['/feed/ajax?after=abc'],
    ['/feed/ajax?after=1.5'],
    ['/feed/ajax?after='],
    ['/feed/ajax?after=99999999999999999999'],
    ['/feed/polling?after=-1'],
    ['/feed/polling?keepalive=2'],
    ['/feed/polling?keepalive=yes'],
    ['/feed/long-polling?after=abc'],
    ['/feed/long-polling?after=0&timeout=abc'],
    ['/feed/long-polling?after=0&timeout=-5'],
    ['/feed/long-polling?after=0&timeout=70000'],
    ['/feed/sse?after=abc'],
    ['/feed/sse', { 'last-event-id': 'abc' }],
    ['/feed/sse', { 'last-event-id': '-3' }],
    ['/feed/ajax?client=bad!id'],
    ['/feed/polling?client=has%20space'],
    ['/feed/long-polling?client='],
    [`/feed/refresh?client=${tooLongId}`],
    ['/feed/refresh?client=%3Cscript%3E'],
    ['/feed/ticker?client=a.b'],
    ['/wire?client=bad!id']
  ]
  for (const [path, headers] of cases) {
    const label = headers ? `${path} with ${JSON.stringify(headers)}` : path
    test(`${label.length > 80 ? `${label.slice(0, 77)}...` : label} answers 400 with a JSON reason`, async (t) => {
      const { url } = await startServer(t)
      const response = await fetch(url + path, { headers: headers ?? {} })
      assert.equal(response.status, 400)
      const body = await errorBody(response)
      assert.equal(body.code, 'FST_ERR_VALIDATION')
      assert.equal(body.error, 'Bad Request')
    })
  }

  test('a 64-character client id is fine', async (t) => {
    const { url } = await startServer(t)
    assert.equal((await fetch(`${url}/feed/ajax?client=${'A_-9'.repeat(16)}`)).status, 200)
  })
})

describe('numbers in a query or header: plain decimal integers in range, nothing else', () => {
  // Each is a number to JavaScript or to Ajv's coercion, or read as 0 (the blank ones): none is one here.
  const badNumbers = ['Infinity', '1e400', '1e3', '0x1d', '0b1', '0o7', '-0', '%2B1', '+1', '1.0', '', '%20', '00', '٣']
  const routes: [string, (value: string) => { path: string; headers?: Record<string, string> }][] = [
    ['ajax after', (value) => ({ path: `/feed/ajax?after=${value}` })],
    ['polling after', (value) => ({ path: `/feed/polling?after=${value}` })],
    ['polling keepalive', (value) => ({ path: `/feed/polling?keepalive=${value}` })],
    ['long-polling after', (value) => ({ path: `/feed/long-polling?after=${value}&timeout=0` })],
    ['long-polling timeout', (value) => ({ path: `/feed/long-polling?after=0&timeout=${value}` })],
    ['sse after', (value) => ({ path: `/feed/sse?after=${value}` })],
    // A header carries bytes: a non-Latin-1 digit goes as its UTF-8 bytes, as a raw client would send it.
    [
      'sse Last-Event-ID',
      (value) => {
        const header = Buffer.from(decodeURIComponent(value)).toString('latin1')
        return { path: '/feed/sse', headers: { 'last-event-id': header } }
      }
    ],
    ['wire capture since', (value) => ({ path: `/wire/capture?client=abc&since=${value}` })]
  ]

  for (const [name, request] of routes)
    test(`${name}: each of ${badNumbers.length} non-decimal values answers 400 FST_ERR_VALIDATION with the reason`, async (t) => {
      const { url } = await startServer(t)
      const wrong: string[] = []
      for (const value of badNumbers) {
        const { path, headers } = request(value)
        const response = await fetch(url + path, { headers })
        const body = await errorBody(response).catch((error: Error) => ({ code: error.message, message: '' }))
        if (response.status !== 400 || body.code !== 'FST_ERR_VALIDATION' || !/decimal integer/.test(body.message))
          wrong.push(`${JSON.stringify(value)} -> ${response.status} ${body.code}`)
      }
      assert.deepEqual(wrong, [])
    })

  test('the WebSocket upgrade refuses each of them with 400 before the 101', async (t) => {
    const server = await startServer(t)
    const upgraded: string[] = []
    for (const value of badNumbers) {
      const opened = await openWebSocket(t, server, `/feed/websocket?after=${value}`).then(
        (socket) => socket.ws.terminate() ?? 101,
        (error: { statusCode?: number }) => error.statusCode
      )
      if (opened !== 400) upgraded.push(`${JSON.stringify(value)} -> ${opened}`)
    }
    assert.deepEqual(upgraded, [])
  })

  test(`long-polling timeout above ${limits.longPollMaxMs} ms answers 400, at the maximum it is held`, async (t) => {
    const { app, url } = await startServer(t)
    const over = await fetch(`${url}/feed/long-polling?after=0&timeout=${limits.longPollMaxMs + 1}`)
    assert.equal(over.status, 400)
    assert.match((await errorBody(over)).message, new RegExp(`from 0 to ${limits.longPollMaxMs}`))
    const held = fetch(`${url}/feed/long-polling?after=0&timeout=${limits.longPollMaxMs}`)
    await eventually(() => assert.equal(app.feed.subscriberCount, 1))
    app.feed.publish('tick', {})
    assert.equal((await held).status, 200)
  })

  test('valid values work as before: after=0, after=123, the largest safe cursor, keepalive=0|1, timeout=0', async (t) => {
    const { app, url } = await startServer(t)
    publishTicks(app, 2)
    const answers: Record<string, number> = {}
    for (const path of [
      '/feed/ajax?after=0',
      '/feed/ajax?after=123',
      `/feed/ajax?after=${Number.MAX_SAFE_INTEGER}`,
      '/feed/polling?after=1&keepalive=0',
      '/feed/polling?after=1&keepalive=1',
      '/feed/long-polling?after=2&timeout=0',
      '/wire/capture?client=abc&since=0'
    ]) {
      const response = await fetch(url + path)
      answers[path] = response.status
      await response.arrayBuffer()
    }
    assert.deepEqual(answers, {
      '/feed/ajax?after=0': 200,
      '/feed/ajax?after=123': 200,
      [`/feed/ajax?after=${Number.MAX_SAFE_INTEGER}`]: 200,
      '/feed/polling?after=1&keepalive=0': 200,
      '/feed/polling?after=1&keepalive=1': 200,
      '/feed/long-polling?after=2&timeout=0': 204,
      '/wire/capture?client=abc&since=0': 200
    })
    const page = (await (await fetch(`${url}/feed/ajax?after=1`)).json()) as { events: { id: number }[] }
    assert.deepEqual(
      page.events.map((event) => event.id),
      [2],
      'the cursor is read as the number 1'
    )
    assert.equal(
      await fetch(`${url}/feed/ajax?after=${Number.MAX_SAFE_INTEGER + 1}`).then((r) => r.status),
      400,
      'one past the largest safe integer'
    )
  })
})

describe('bad bodies', () => {
  async function post(url: string, body: string, type = 'application/json') {
    return fetch(`${url}/feed/messages`, { method: 'POST', headers: { 'content-type': type }, body })
  }

  const chatCases: [string, string, string?][] = [
    ['empty text', '{"text":""}'],
    ['whitespace-only text', '{"text":"  \\n\\t "}'],
    [`${limits.chatTextMax + 1} characters`, JSON.stringify({ text: 'x'.repeat(limits.chatTextMax + 1) })],
    [`${limits.chatTextMax + 1} two-unit characters`, JSON.stringify({ text: '🙂'.repeat(limits.chatTextMax + 1) })]
  ]
  for (const [name, body] of chatCases) {
    test(`POST /feed/messages refuses ${name}: 400 WW_ERR_CHAT_TEXT, nothing published`, async (t) => {
      const { app, url } = await startServer(t)
      const response = await post(url, body)
      assert.equal(response.status, 400)
      assert.equal((await errorBody(response)).code, 'WW_ERR_CHAT_TEXT')
      assert.equal(app.feed.latest, 0)
    })
  }

  const malformed: [string, string, string, number][] = [
    ['a body that is not JSON', '{"text": "unterminated', 'application/json', 400],
    ['a missing text', '{"message":"hi"}', 'application/json', 400],
    ['a JSON array', '["hi"]', 'application/json', 400],
    ['a plain-text body', 'hello', 'text/plain', 400],
    ['an unsupported content type', '{"text":"hi"}', 'application/xml', 415],
    ['a form body', 'text=hi', 'application/x-www-form-urlencoded', 415],
    [
      'text over the raw length bound',
      JSON.stringify({ text: ' '.repeat(4 * limits.chatTextMax + 1) }),
      'application/json',
      400
    ],
    ['a huge body', JSON.stringify({ text: 'x'.repeat(64 * 1024) }), 'application/json', 413]
  ]
  for (const [name, body, type, status] of malformed) {
    test(`POST /feed/messages refuses ${name} with ${status} and a JSON reason`, async (t) => {
      const { app, url } = await startServer(t)
      const response = await post(url, body, type)
      assert.equal(response.status, status)
      await errorBody(response)
      assert.equal(app.feed.latest, 0)
    })
  }

  test('POST /feed/messages refuses text that is not a string, as the WebSocket does', async (t) => {
    // Fastify's default Ajv coerces body types: 5, true and ["a"] become the texts "5",
    // "true" and "a" and are published, while the WebSocket closes with 1008 for them.
    const { app, url } = await startServer(t)
    const accepted: string[] = []
    for (const body of ['{"text":5}', '{"text":true}', '{"text":["a"]}']) {
      const response = await post(url, body)
      if (response.status !== 400) accepted.push(`${body} -> ${response.status}`)
      await response.arrayBuffer()
    }
    assert.deepEqual(accepted, [])
    assert.equal(app.feed.latest, 0)
  })

  for (const [name, body] of [
    ['rate 51', '{"rate":51}'],
    ['rate -1', '{"rate":-1}'],
    ['rate as a word', '{"rate":"fast"}'],
    ['paused as a word', '{"paused":"yes"}'],
    ['an empty object', '{}'],
    ['a body that is not JSON', 'rate=5']
  ] as const) {
    test(`PUT /feed/ticker refuses ${name} with 400, leaving the ticker as it was`, async (t) => {
      const { app, url } = await startServer(t, { feedRate: 2 })
      const response = await fetch(`${url}/feed/ticker`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...asPresenter },
        body
      })
      assert.equal(response.status, 400)
      await errorBody(response)
      assert.deepEqual(app.ticker.settings, { rate: 2, paused: false, pattern: 'random' })
    })
  }

  test('PUT /feed/ticker refuses an unknown setting with 400', async (t) => {
    // The schema says additionalProperties: false, but Fastify's default Ajv
    // (removeAdditional: true) strips "speed" instead: the PUT answers 200 and changes nothing.
    const { url } = await startServer(t)
    const response = await fetch(`${url}/feed/ticker`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...asPresenter },
      body: '{"speed":5}'
    })
    assert.equal(response.status, 400)
    await errorBody(response)
  })
})

describe('bad WebSocket messages', () => {
  const cases: [string, string | Buffer, number][] = [
    ['text that is not JSON', 'hello?', closeCodes.invalidPayload],
    ['JSON of an unknown type', '{"type":"shout","text":"hi"}', closeCodes.policyViolation],
    ['JSON that is not an object', 'null', closeCodes.policyViolation],
    ['a ping without a numeric t', '{"type":"ping","t":"now"}', closeCodes.policyViolation],
    ['a chat without text', '{"type":"chat"}', closeCodes.policyViolation],
    ['a chat with empty text', '{"type":"chat","text":"   "}', closeCodes.policyViolation],
    ['a chat with a numeric text', '{"type":"chat","text":5}', closeCodes.policyViolation],
    [
      `a chat over ${limits.chatTextMax} characters`,
      JSON.stringify({ type: 'chat', text: 'x'.repeat(limits.chatTextMax + 1) }),
      closeCodes.policyViolation
    ],
    ['a binary message', Buffer.from('{"type":"ping","t":1}'), closeCodes.unsupportedData],
    [
      `a message over ${limits.websocketMaxPayload} bytes`,
      JSON.stringify({ type: 'chat', text: 'x'.repeat(5000) }),
      closeCodes.messageTooBig
    ]
  ]

  test('each closes the socket with its own code; the server keeps serving, the feed loses nothing', async (t) => {
    const server = await startServer(t)
    for (const [name, message, code] of cases) {
      publishTicks(server.app, 1)
      const bad = await openWebSocket(t, server, `/feed/websocket?after=${server.app.feed.latest}`)
      bad.ws.send(message)
      const closed = await bad.closed
      assert.equal(closed.code, code, name)
      assert.ok(closed.reason.length > 0 || code === closeCodes.messageTooBig, `${name}: a reason is given`)

      // A new client still gets the whole feed, once each, in order.
      const good = await openWebSocket(t, server, '/feed/websocket?after=0')
      const latest = server.app.feed.latest
      assert.deepEqual(eventIds(await good.messages.waitFor(latest)), range(1, latest), name)
      good.ws.close()
      await good.closed
    }
    // Nothing a bad client sent was published.
    assert.equal(server.app.feed.latest, cases.length)
    assert.ok(server.app.feed.recent(cases.length).every((event) => event.kind === 'tick'))
  })

  test('a message of exactly the payload limit is still accepted', async (t) => {
    const server = await startServer(t)
    const { ws, messages } = await openWebSocket(t, server, '/feed/websocket?after=0')
    const message = JSON.stringify({ type: 'ping', t: 1, pad: '' })
    const padded = message.replace('"pad":""', `"pad":"${'x'.repeat(limits.websocketMaxPayload - message.length)}"`)
    assert.equal(Buffer.byteLength(padded), limits.websocketMaxPayload)
    ws.send(padded)
    assert.deepEqual(await messages.waitFor(1), [{ type: 'pong', t: 1 }])
    ws.close()
  })

  test('honours a smaller websocketMaxPayload', async (t) => {
    const server = await startServer(t, { websocketMaxPayload: 64 })
    const { ws, closed } = await openWebSocket(t, server, '/feed/websocket?after=0')
    ws.send(JSON.stringify({ type: 'chat', text: 'y'.repeat(80) }))
    assert.equal((await closed).code, closeCodes.messageTooBig)
  })

  test('a bad cursor on the handshake is refused with 400 before the upgrade', async (t) => {
    const server = await startServer(t)
    await assert.rejects(openWebSocket(t, server, '/feed/websocket?after=abc'), { statusCode: 400 })
  })
})
