import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { sendLimits } from '../src/server/rate-limits.ts'
import { closeCodes } from '../src/shared/websocket-messages.ts'
import { openWebSocket } from './clients.ts'
import { errorBody, eventually, startServer, type TestServer } from './helper.ts'

function chat(server: TestServer, client: string, text: string): Promise<Response> {
  return fetch(`${server.url}/feed/messages?client=${client}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text })
  })
}

describe('rate limits per page', () => {
  test('a page flooding the chat gets 429 with Retry-After; the rest of the class, on the same address, is unaffected', async (t) => {
    const server = await startServer(t)
    const { max } = sendLimits.chat
    for (let i = 0; i < max; i++) assert.equal((await chat(server, 'abuser', `spam ${i}`)).status, 201)
    const refused = await chat(server, 'abuser', 'one too many')
    assert.equal(refused.status, 429)
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, 'Retry-After in seconds')
    const body = await errorBody(refused)
    assert.equal(body.code, 'WW_ERR_RATE_LIMITED')
    assert.match(body.message, /at most 20 per 10 s/)

    // Every request came from 127.0.0.1: a class behind one NAT address. The others still talk.
    for (const student of ['ann', 'bob', 'cho']) assert.equal((await chat(server, student, 'hello')).status, 201)
    assert.equal(server.app.feed.latest, max + 3, 'the refused message was not published')
  })

  test('game moves, progress jobs and connection drops are limited per page too', async (t) => {
    const server = await startServer(t)
    const post = (path: string, client: string, body: unknown) =>
      fetch(`${server.url}${path}?client=${client}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      })
    const cases = [
      ['/game/moves', 'move', (client: string) => ({ player: client, x: 0.5, y: 0.5 })],
      ['/jobs', 'job', () => ({ durationMs: 500 })],
      ['/wire/drop', 'drop', (client: string) => ({ client, technique: 'polling' })]
    ] as const
    for (const [path, kind, body] of cases) {
      const statuses = []
      for (let i = 0; i <= sendLimits[kind].max; i++)
        statuses.push((await post(path, `abuser-${kind}`, body(`abuser-${kind}`))).status)
      assert.ok(
        statuses.slice(0, -1).every((status) => status < 400),
        `${path}: within the limit ${statuses.join()}`
      )
      assert.equal(statuses.at(-1), 429, `${path}: over the limit`)
      assert.ok((await post(path, `other-${kind}`, body(`other-${kind}`))).status < 400, `${path}: another page`)
    }
  })

  test('a WebSocket flooding the chat is closed with 1008 and the reason; another page keeps chatting', async (t) => {
    const server = await startServer(t)
    const abuser = await openWebSocket(t, server, '/feed/websocket?client=ws-abuser&after=0')
    const student = await openWebSocket(t, server, '/feed/websocket?client=ws-student&after=0')
    for (let i = 0; i <= sendLimits.chat.max; i++) abuser.ws.send(JSON.stringify({ type: 'chat', text: `spam ${i}` }))
    const closed = await abuser.closed
    assert.equal(closed.code, closeCodes.policyViolation)
    assert.match(closed.reason, /too many chat messages from this page/)
    assert.equal(server.app.feed.latest, sendLimits.chat.max)

    student.ws.send(JSON.stringify({ type: 'chat', text: 'still here' }))
    await eventually(() => assert.equal(server.app.feed.recent(1)[0]?.data.text, 'still here'))
  })

  test('the POST and WebSocket chat of one page share one budget', async (t) => {
    const server = await startServer(t)
    for (let i = 0; i < sendLimits.chat.max; i++) assert.equal((await chat(server, 'both', `by post ${i}`)).status, 201)
    const socket = await openWebSocket(t, server, '/feed/websocket?client=both&after=0')
    socket.ws.send(JSON.stringify({ type: 'chat', text: 'by socket' }))
    assert.equal((await socket.closed).code, closeCodes.policyViolation)
  })
})
