// Property-based fuzzing of the five ways a stranger's bytes reach the server: a POST body, a
// WebSocket message, `Last-Event-ID`, the `after` cursor and any query parameter. Whatever is
// sent, the answer is never a 5xx, the process never crashes and the feed stays intact.
// Each run draws a new seed and prints it; FUZZ_SEED=<seed> replays that run.
import assert from 'node:assert/strict'
import { type TestContext, test } from 'node:test'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import type { FeedEvent, FeedPage } from '../../src/shared/feed-event.ts'
import {
  allTechniques,
  isTechniqueName,
  type Technique,
  techniqueNames,
  techniques
} from '../../src/shared/techniques.ts'
import { closeCodes, type FeedServerMessage } from '../../src/shared/websocket-messages.ts'
import { type OpenWebSocket, openWebSocket } from '../clients.ts'
import { asPresenter, publishTicks, range, startServer, type TestServer } from '../helper.ts'
import {
  answerReaders,
  chatVerdict,
  expectedChat,
  expectedOutcome,
  isPlainInteger,
  mediaType,
  queryValueAsRead
} from './fuzz-contract.ts'
import {
  anyText,
  badPercent,
  clientIdLike,
  clientIdPattern,
  cursorText,
  encode,
  headerLegal,
  numberLike,
  queryString,
  urlSafe,
  weighted
} from './fuzz-inputs.ts'

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
const runs = { bodies: 3000, frames: 1500, lastEventIds: 1500, cursors: 2000, upgrades: 300, queries: 3000 }
const minimumInputs = 10_000

// ---------------------------------------------------------------------------------------------
// Checks

interface Answer {
  statusCode: number
  headers: Record<string, unknown>
  body: string
}

/** Below 500, and a JSON `{ statusCode, error, message }` when 4xx: every route, pages included, errs in JSON. */
function assertAnswered({ statusCode, headers, body }: Answer, what: string) {
  assert.ok(statusCode < 500, `${what} answered ${statusCode}: ${body.slice(0, 300)}`)
  if (statusCode < 400) return
  assert.match(String(headers['content-type']), /^application\/json/, `${what}: ${statusCode} is not JSON`)
  const error = JSON.parse(body) as Record<string, unknown>
  assert.equal(error.statusCode, statusCode, `${what}: ${body}`)
  assert.ok(typeof error.error === 'string' && typeof error.message === 'string', `${what}: ${body}`)
}

/** A catch-up is a run of consecutive ids that ends at the newest event. */
function assertCatchUp(ids: number[], latest: number, what: string) {
  const [first] = ids
  if (first === undefined) return
  assert.deepEqual(ids, range(first, first + ids.length - 1), `${what}: ids ${ids}`)
  assert.equal(ids.at(-1), latest, `${what}: ends at ${ids.at(-1)}, latest is ${latest}`)
}

/** The technique a `/feed/<name>` URL is for. */
function techniqueOf(url: string): Technique | undefined {
  const name = url.split('?')[0]?.slice('/feed/'.length) ?? ''
  return isTechniqueName(name) ? techniques[name] : undefined
}

/**
 * What a 200 from a technique's route must hold: its declared content type, and events read by that type's reader
 * (`answerReaders`) that catch up to the newest, the answer's own latest id when it says one. A type no reader
 * knows fails, naming it.
 */
function assertCursorAnswer(app: FastifyInstance, url: string, { statusCode, headers, body }: Answer) {
  const technique = techniqueOf(url)
  if (statusCode !== 200 || technique === undefined) return
  const type = mediaType(headers['content-type'])
  const read = Object.hasOwn(answerReaders, type) ? answerReaders[type] : undefined
  if (read === undefined) assert.fail(`${url}: a 200 of ${type}, which no answer reader reads`)
  assert.equal(type, technique.contentType, `${url}: answered ${type}, declared ${technique.contentType}`)
  const { ids, latest } = read(body, technique)
  assertCatchUp(ids, latest ?? app.feed.latest, url)
}

test('every declared content type has an answer reader', () => {
  const unread = allTechniques
    .filter((technique) => !Object.hasOwn(answerReaders, technique.contentType))
    .map(({ name, contentType }) => `${name} (${contentType})`)
  assert.deepEqual(unread, [], 'add a reader for their content type to answerReaders in fuzz-contract.ts')
})

/** Ids 1…latest with no gap (or the newest `capacity` of them), every chat well formed, and a plain poll works. */
async function assertFeedIntact(app: FastifyInstance) {
  const { latest, capacity } = app.feed
  const { events } = app.feed.since(0)
  assert.deepEqual(
    events.map((event) => event.id),
    range(Math.max(1, latest - capacity + 1), latest)
  )
  for (const { id, kind, data } of events) {
    if (kind !== 'chat') continue
    const text = data.text as string
    const name = (data.name ?? '') as string
    assert.ok(typeof text === 'string' && chatVerdict(text, name) !== 'refused', `chat ${id}`)
    assert.ok(text === text.trim() && typeof name === 'string' && name === name.trim(), `chat ${id}`)
  }
  const poll = await app.inject('/feed/polling?after=0')
  assert.equal(poll.statusCode, 200)
  assert.equal((poll.json() as FeedPage).latest, app.feed.latest)
}

/** The process still serves real sockets: a fetch over TCP, not an inject. */
async function assertStillServing(server: TestServer) {
  const response = await fetch(`${server.url}/feed/polling?after=0`)
  assert.equal(response.status, 200)
  await response.arrayBuffer()
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * A GET by inject, with this server's own Host and Origin (so WebSocket routes get past the
 * Origin check to validation and the 426). Of a never-ending stream, only the head and
 * first writes are read; then the stream is cut, as a closed tab would.
 */
async function get(server: TestServer, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const own = { host: `127.0.0.1:${server.port}`, origin: server.origin }
  const request = server.app.inject({ url, headers: { ...own, ...headers }, payloadAsStream: true })
  const response = await within(request, 5000, `GET ${url}`)
  const chunks: Buffer[] = []
  const stream = response.stream()
  stream.on('data', (chunk: Buffer) => chunks.push(chunk))
  if (response.statusCode === 200 && techniqueOf(url)?.streamed) {
    await new Promise((resolve) => setImmediate(resolve))
    response.raw.res.destroy()
  } else {
    await within(new Promise((resolve) => stream.once('end', resolve)), 5000, `GET ${url} body`)
  }
  const answer = { statusCode: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString() }
  assertAnswered(answer, `GET ${url} ${JSON.stringify(headers)}`)
  return answer
}

/** How many inputs each property sent, for the total and the report. */
const sent: Record<string, number> = {}
function count(entry: string): number {
  const n = (sent[entry] ?? 0) + 1
  sent[entry] = n
  return n
}

/** Starts a server with the limits lifted (fuzzing is meant to reach the handlers) and 50 events in its feed. */
async function fuzzedServer(t: TestContext, feedCapacity?: number): Promise<TestServer> {
  const server = await startServer(t, { rateLimits: false, feedCapacity })
  publishTicks(server.app, 50)
  return server
}

// ---------------------------------------------------------------------------------------------
// The five entry points

test('fuzzing the five entry points: never a 5xx, never a crash, the feed intact', async (t) => {
  t.diagnostic(`fast-check seed ${seed} (replay with FUZZ_SEED=${seed})`)
  const settings = { seed, endOnFailure: true }

  await t.test('any POST body on /feed/messages, /game/moves or /jobs gets its 2xx or a JSON 4xx', async (t) => {
    const server = await fuzzedServer(t)
    const { app } = server
    const anyValue = fc.oneof(anyText, fc.jsonValue())
    const chat = fc.record(
      { text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }), name: fc.string({ maxLength: 30 }) },
      { requiredKeys: ['text'] }
    )
    const shaped = fc.oneof(
      fc.record({ text: anyValue, name: anyValue }, { requiredKeys: [] }),
      fc.record({ text: anyText, name: fc.option(anyText, { nil: undefined }) }, { requiredKeys: ['text'] }),
      fc.record({ player: fc.oneof(clientIdLike, anyValue), x: anyValue, y: anyValue, name: anyValue }),
      fc.record({ player: clientIdLike, x: fc.double(), y: fc.double() }),
      fc.record({ steps: fc.oneof(fc.integer(), fc.double(), anyValue), durationMs: fc.oneof(fc.integer(), anyValue) })
    )
    const body = weighted<string | Buffer>(
      [3, chat.map((value) => JSON.stringify(value))],
      [5, fc.oneof(shaped, fc.jsonValue(), fc.object()).map((value) => JSON.stringify(value) ?? '')],
      [1, fc.tuple(anyText, anyValue).map(([a, b]) => `{"text":${JSON.stringify(a)},"text":${JSON.stringify(b)}}`)],
      [1, numberLike.map((n) => `{"text":"hi","steps":${n},"x":${n}}`)],
      [1, fc.constantFrom('{"__proto__":{"text":"x"}}', '{"constructor":{"prototype":{"text":"x"}}}')],
      [2, anyText],
      [1, fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes))],
      [1, fc.integer({ min: 16 * 1024 - 8, max: 40_000 }).map((n) => `{"text":"${'x'.repeat(n)}"}`)]
    )
    const contentType = weighted<string | undefined>(
      [8, fc.constant('application/json')],
      [2, fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;;')],
      [2, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data')],
      [1, fc.constantFrom(undefined, '', 'application/jsonx', 'application/json; charset=utf-16')],
      [1, fc.string({ unit: 'binary-ascii' }).map(headerLegal)]
    )
    const route = fc.constantFrom('/feed/messages', '/feed/messages', '/game/moves', '/jobs')
    // Every answer each route may give; anything else (a 404, a 401, a 5xx) is a finding.
    const statuses: Record<string, number[]> = {
      '/feed/messages': [201, 400, 413, 415],
      '/game/moves': [204, 400, 409, 413, 415],
      '/jobs': [202, 400, 413, 415, 429]
    }

    await fc.assert(
      fc.asyncProperty(route, body, contentType, clientIdLike, async (url, payload, type, client) => {
        const n = count('POST body')
        const headers = type === undefined ? {} : { 'content-type': type }
        const what = `POST ${url}?client=${client} ${type} ${JSON.stringify(String(payload).slice(0, 200))}`
        const request = app.inject({ method: 'POST', url: `${url}?client=${encode(client)}`, headers, payload })
        const response = await within(request, 5000, what)
        assertAnswered(response, what)
        assert.ok(statuses[url]?.includes(response.statusCode), `${what} answered ${response.statusCode}`)
        const ours = url === '/feed/messages' && clientIdPattern.test(client)
        const expected = ours ? expectedChat(payload, type) : undefined
        if (expected === 'refused') assert.equal(response.statusCode, 400, `${what} is refused`)
        else if (expected !== undefined) {
          // A good chat is published as sent, trimmed, and is in the feed.
          assert.equal(response.statusCode, 201, `${what} publishes`)
          const { event } = response.json() as { event: FeedEvent }
          assert.deepEqual(event.data, expected, what)
          assert.deepEqual(app.feed.since(event.id - 1).events[0], event)
        }
        if (n % 250 === 0) await assertFeedIntact(app)
      }),
      { ...settings, numRuns: runs.bodies }
    )
    await assertFeedIntact(app)
    await assertStillServing(server)
    const chats = app.feed.since(0).events.filter((event) => event.kind === 'chat').length
    t.diagnostic(`${sent['POST body']} bodies; ${chats} chats published; feed at ${app.feed.latest}`)
  })

  await t.test('any WebSocket message is acted on, or closes the socket with its own code', async (t) => {
    const server = await fuzzedServer(t)
    const { app } = server
    const json = fc.jsonValue()
    const unit = fc.double({ min: -0.5, max: 1.5 })
    const value = weighted(
      [4, fc.record({ type: fc.constant('chat'), text: anyText, name: fc.option(anyText, { nil: undefined }) })],
      [
        3,
        fc.record(
          {
            type: fc.oneof(fc.constantFrom('chat', 'ping', 'move', 'CHAT', 'pong', 'event'), json),
            text: fc.oneof(anyText, json),
            name: fc.oneof(anyText, json),
            t: fc.oneof(fc.double(), json),
            player: fc.oneof(clientIdLike, json),
            x: fc.oneof(unit, json),
            y: fc.oneof(unit, json)
          },
          { requiredKeys: ['type'] }
        )
      ],
      [2, json]
    )
    const text = (data: string | Uint8Array) => ({ data: Buffer.from(data), binary: false })
    const frame = weighted(
      [9, value.map((v) => text(JSON.stringify(v) ?? ''))],
      [1, numberLike.map((n) => text(`{"type":"ping","t":${n}}`))],
      [2, anyText.map(text)],
      [1, fc.uint8Array({ maxLength: 300 }).map(text)],
      [1, fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ data: Buffer.from(bytes), binary: true }))],
      [1, fc.integer({ min: 4090, max: 9000 }).map((n) => text('x'.repeat(n)))]
    )

    let socket: OpenWebSocket | undefined
    const closes = new Map<number, number>()
    const errors: Error[] = []
    await fc.assert(
      fc.asyncProperty(frame, async ({ data, binary }) => {
        const n = count('WebSocket message')
        if (socket === undefined || socket.ws.readyState !== socket.ws.OPEN) {
          socket = await within(openWebSocket(t, server), 5000, 'opening a WebSocket')
          socket.ws.on('error', (error) => errors.push(error))
        }
        const expected = expectedOutcome(data, binary)
        const what = `${binary ? 'binary' : 'text'} frame ${JSON.stringify(data.toString().slice(0, 200))}`
        // A ping right behind the fuzzed frame: its pong proves the frame was handled without a close.
        const sentinel = -(n + 0.5)
        const outcome = exchange(socket, sentinel)
        socket.ws.send(data, { binary })
        socket.ws.send(JSON.stringify({ type: 'ping', t: sentinel }))
        const { messages, close } = await within(outcome, 5000, what)
        if (close !== undefined) closes.set(close, (closes.get(close) ?? 0) + 1)
        assert.deepEqual(errors, [], what)
        if ('close' in expected) assert.equal(close, expected.close, `${what} closes with ${expected.close}`)
        // A good move may still find the board full.
        else if ('move' in expected) assert.ok(close === undefined || close === closeCodes.policyViolation, what)
        else assert.equal(close, undefined, `${what} keeps the socket open`)
        if ('pong' in expected)
          assert.ok(
            messages.some((m) => m.type === 'pong' && m.t === expected.pong),
            what
          )
        if ('chat' in expected) {
          const chat = messages.find((m) => m.type === 'event' && m.event.kind === 'chat')
          assert.deepEqual(chat?.type === 'event' && chat.event.data, expected.chat, `${what} publishes`)
        }
        if (n % 250 === 0) await assertFeedIntact(app)
      }),
      { ...settings, numRuns: runs.frames }
    )
    socket?.ws.close()
    await assertFeedIntact(app)
    await assertStillServing(server)
    const codes = [...closes].map(([code, times]) => `${code}×${times}`).join(', ')
    t.diagnostic(`${sent['WebSocket message']} messages; closes ${codes}; feed at ${app.feed.latest}`)
  })

  await t.test(
    'any Last-Event-ID resumes the SSE stream without a gap, or is refused when not plain digits',
    async (t) => {
      // A ring smaller than the feed: cursors below its oldest event take the reset path.
      const server = await fuzzedServer(t, 40)
      const { app } = server
      const subscribers = app.feed.subscriberCount
      await fc.assert(
        fc.asyncProperty(cursorText.map(headerLegal), fc.option(cursorText.map(encode)), async (id, after) => {
          const n = count('Last-Event-ID')
          const url = after === null ? '/feed/sse' : `/feed/sse?after=${after}`
          const answer = await get(server, url, { 'last-event-id': id })
          const valid = isPlainInteger(id) && (after === null || isPlainInteger(queryValueAsRead(after, 'after')))
          assert.equal(answer.statusCode, valid ? 200 : 400, `${url} with Last-Event-ID ${JSON.stringify(id)}`)
          assertCursorAnswer(app, url, answer)
          if (n % 250 === 0) await assertFeedIntact(app)
        }),
        { ...settings, numRuns: runs.lastEventIds }
      )
      // Every stream cut from the client side let go of its subscription.
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(app.feed.subscriberCount, subscribers)
      await assertFeedIntact(app)
      await assertStillServing(server)
      t.diagnostic(`${sent['Last-Event-ID']} Last-Event-ID values`)
    }
  )

  await t.test('any after cursor resumes without a gap if plain digits in range, else is refused', async (t) => {
    const server = await fuzzedServer(t, 40)
    const { app } = server
    const cursor = fc.oneof(
      cursorText.map(encode),
      cursorText.map(urlSafe),
      badPercent,
      fc.array(cursorText.map(encode), { minLength: 2, maxLength: 3 }).map((values) => values.join('&after='))
    )
    // Every technique that takes a cursor.
    const path = fc.constantFrom(
      ...allTechniques.filter((technique) => technique.resumable).map((technique) => `/feed/${technique.name}`)
    )
    await fc.assert(
      fc.asyncProperty(path, cursor, async (path, after) => {
        const n = count('after (HTTP)')
        // timeout=0: a cursor at the newest event must not hold the request for 25 s.
        const held = techniqueOf(path)?.asking === 'again at once'
        const url = `${path}?after=${after}${held ? '&timeout=0' : ''}`
        const answer = await get(server, url)
        // A good cursor gets its page (long-polling at the newest id: 204 at once), or on the WebSocket
        // route without an Upgrade a 426; any other cursor a 400.
        const good = techniqueOf(path)?.upgrades ? [426] : held ? [200, 204] : [200]
        const expected = isPlainInteger(queryValueAsRead(after, 'after')) ? good : [400]
        assert.ok(expected.includes(answer.statusCode), `${url}: ${answer.statusCode}, want ${expected}`)
        assertCursorAnswer(app, url, answer)
        if (n % 250 === 0) await assertFeedIntact(app)
      }),
      { ...settings, numRuns: runs.cursors }
    )

    // The WebSocket reads its cursor in the upgrade itself, so these go over real sockets.
    await fc.assert(
      fc.asyncProperty(cursor, async (after) => {
        count('after (WebSocket upgrade)')
        const what = `upgrade /feed/websocket?after=${after}`
        const valid = isPlainInteger(queryValueAsRead(after, 'after'))
        let socket: OpenWebSocket
        try {
          socket = await within(openWebSocket(t, server, `/feed/websocket?after=${after}`), 5000, what)
        } catch (error) {
          const { statusCode } = error as { statusCode?: number }
          return assert.ok(!valid && statusCode === 400, `${what}: ${(error as Error).message}`)
        }
        assert.ok(valid, `${what} is refused before the 101`)
        const outcome = exchange(socket, -1)
        socket.ws.send(JSON.stringify({ type: 'ping', t: -1 }))
        const { messages, close } = await within(outcome, 5000, what)
        assert.equal(close, undefined, what)
        assertCatchUp(
          messages.flatMap((m) => (m.type === 'event' ? [m.event.id] : [])),
          app.feed.latest,
          what
        )
        socket.ws.close()
        await socket.closed
      }),
      { ...settings, numRuns: runs.upgrades }
    )
    await assertFeedIntact(app)
    await assertStillServing(server)
    t.diagnostic(`${sent['after (HTTP)']} cursors by HTTP, ${sent['after (WebSocket upgrade)']} by WebSocket upgrade`)
  })

  await t.test('any query parameters on any GET route get an answer below 500', async (t) => {
    const server = await fuzzedServer(t)
    const { app } = server
    const { lessons } = (await app.inject('/lessons.json')).json() as { lessons: { slug: string }[] }
    const routes = [
      ...techniqueNames.map((name) => `/feed/${name}`),
      ...['/feed/ticker', '/wire', '/wire/network', '/wire/live', '/wire/capture', '/wire/handshake', '/'],
      ...['/lessons', '/lessons/', '/lessons.json', `/lessons/${lessons[0]?.slug}`, '/lessons/no-such-lesson'],
      ...['/presenter', '/classroom', '/classroom/audience', '/classroom/student-url', '/classroom/qr.svg'],
      ...['/use-cases/chat', '/use-cases/progress', '/use-cases/game', '/index.html', '/no-such-page']
    ]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), queryString, fc.boolean(), async (path, query, presenter) => {
        const n = count('query')
        // A trailing timeout=0 (or, repeated, a 400): no fuzzed cursor may hold a long poll for 25 s.
        const url = `${path}?${query}${techniqueOf(path)?.asking === 'again at once' ? '&timeout=0' : ''}`
        assertCursorAnswer(app, url, await get(server, url, presenter ? asPresenter : {}))
        if (n % 250 === 0) await assertFeedIntact(app)
      }),
      { ...settings, numRuns: runs.queries }
    )
    await assertFeedIntact(app)
    await assertStillServing(server)
    t.diagnostic(`${sent.query} query strings`)
  })

  const total = Object.values(sent).reduce((sum, n) => sum + n, 0)
  const perEntry = Object.entries(sent).map(([entry, n]) => `${entry} ${n}`)
  t.diagnostic(`${total} inputs: ${perEntry.join(', ')}`)
  assert.ok(total >= minimumInputs, `only ${total} inputs, want ${minimumInputs}`)
})

/** Everything the server sends until it pongs `sentinel` or closes (1006 when it closed without a close frame). */
function exchange(socket: OpenWebSocket, sentinel: number): Promise<{ messages: FeedServerMessage[]; close?: number }> {
  const { ws } = socket
  const messages: FeedServerMessage[] = []
  return new Promise((resolve) => {
    const finish = (close?: number) => {
      ws.off('message', onMessage)
      ws.off('close', onClose)
      resolve(close === undefined ? { messages } : { messages, close })
    }
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(String(data)) as FeedServerMessage
      messages.push(message)
      if (message.type === 'pong' && message.t === sentinel) finish()
    }
    const onClose = (code: number) => finish(code)
    ws.on('message', onMessage)
    ws.on('close', onClose)
  })
}
