import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { limits } from '../src/shared/feed-event.ts'
import { closeCodes } from '../src/shared/websocket-messages.ts'
import { openWebSocket } from './clients.ts'
import { startServer, type TestServer } from './helper.ts'

type Verdict = 'accepted' | 'refused'

const player = 'player-1'
const move = { player, x: 0.5, y: 0.5 }
const chars = (n: number) => 'n'.repeat(n)

/** Inputs a chat or a move can be, with the one verdict both ways must give. */
const cases: ['chat' | 'move', string, Record<string, unknown>, Verdict][] = [
  ['chat', 'a plain text', { text: 'hi' }, 'accepted'],
  ['chat', `a ${limits.chatNameMax}-character name`, { text: 'hi', name: chars(limits.chatNameMax) }, 'accepted'],
  ['chat', 'a 30-character name', { text: 'hi', name: chars(30) }, 'refused'],
  ['chat', 'a name of 24 characters once trimmed', { text: 'hi', name: `  ${chars(24)}  ` }, 'accepted'],
  ['chat', 'an empty text', { text: '' }, 'refused'],
  ['chat', 'a text of spaces', { text: '   ' }, 'refused'],
  ['chat', `${limits.chatTextMax} characters once trimmed`, { text: ` ${chars(limits.chatTextMax)} ` }, 'accepted'],
  [
    'chat',
    `${limits.chatTextMax + 1} characters once trimmed`,
    { text: ` ${chars(limits.chatTextMax + 1)} ` },
    'refused'
  ],
  ['chat', 'a text past the raw bound', { text: `${' '.repeat(4 * limits.chatTextMax)}hi` }, 'refused'],
  ['chat', 'a numeric text', { text: 5 }, 'refused'],
  ['chat', 'a null text', { text: null }, 'refused'],
  ['chat', 'a text in an array', { text: ['hi'] }, 'refused'],
  ['chat', 'a numeric name', { text: 'hi', name: 5 }, 'refused'],
  ['chat', 'no text', { name: 'Ann' }, 'refused'],
  ['chat', 'an extra property', { text: 'hi', colour: 'red' }, 'refused'],
  ['move', 'a plain move', move, 'accepted'],
  ['move', `a ${limits.chatNameMax}-character name`, { ...move, name: chars(limits.chatNameMax) }, 'accepted'],
  ['move', 'a 30-character name', { ...move, name: chars(30) }, 'refused'],
  ['move', 'a blank name', { ...move, name: '   ' }, 'accepted'],
  ['move', 'the corners 0 and 1', { player, x: 0, y: 1 }, 'accepted'],
  ['move', 'x beyond 1', { ...move, x: 1.5 }, 'refused'],
  ['move', 'a negative y', { ...move, y: -0.1 }, 'refused'],
  ['move', 'x as text', { ...move, x: '0.5' }, 'refused'],
  ['move', 'a player id with a space', { ...move, player: 'has space' }, 'refused'],
  ['move', 'no y', { player, x: 0.5 }, 'refused'],
  ['move', 'a numeric name', { ...move, name: 5 }, 'refused'],
  ['move', 'an extra property', { ...move, speed: 2 }, 'refused']
]

const routes = { chat: '/feed/messages', move: '/game/moves' } as const

/** The verdict of the POST route, and its JSON reason when it refuses. */
async function byPost(server: TestServer, type: 'chat' | 'move', body: Record<string, unknown>) {
  const response = await fetch(`${server.url}${routes[type]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const answer = response.status === 204 ? {} : ((await response.json()) as { message?: string })
  if (response.ok) return { verdict: 'accepted' as const }
  assert.equal(response.status, 400, JSON.stringify(answer))
  return { verdict: 'refused' as const, reason: answer.message }
}

/** The verdict of the WebSocket: a ping behind the message is answered (accepted), or the socket closes (refused). */
async function byWebSocket(t: TestContext, server: TestServer, type: 'chat' | 'move', body: Record<string, unknown>) {
  const { ws, messages, closed } = await openWebSocket(t, server, `/feed/websocket?after=${server.app.feed.latest}`)
  ws.send(JSON.stringify({ type, ...body }))
  ws.send(JSON.stringify({ type: 'ping', t: 1 }))
  const outcome = await Promise.race([
    closed,
    messages.waitUntil((items) => items.some((message) => message.type === 'pong')).then(() => undefined)
  ])
  ws.close()
  if (outcome === undefined) return { verdict: 'accepted' as const }
  assert.equal(outcome.code, closeCodes.policyViolation)
  return { verdict: 'refused' as const, reason: outcome.reason }
}

describe('one schema per message: POST and WebSocket accept and refuse the same inputs', () => {
  for (const [type, name, body, expected] of cases)
    test(`a ${type} with ${name} is ${expected} both ways`, async (t) => {
      const server = await startServer(t, { rateLimits: false })
      const post = await byPost(server, type, body)
      const socket = await byWebSocket(t, server, type, body)
      assert.deepEqual([post.verdict, socket.verdict], [expected, expected])
      if (expected === 'refused') {
        assert.ok(post.reason, 'POST gives a JSON reason')
        assert.ok(socket.reason, 'the close frame gives a reason')
      }
      // A refused chat publishes nothing; an accepted one is published once by each way.
      const chats = server.app.feed.since(0).events.filter((event) => event.kind === 'chat')
      if (type === 'chat') assert.equal(chats.length, expected === 'accepted' ? 2 : 0)
    })
})
