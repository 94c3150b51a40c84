import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { qrCodeSvg } from '../../src/server/classroom/student-url.ts'
import type { Audience, ClassroomState } from '../../src/shared/classroom.ts'
import { techniqueNames } from '../../src/shared/techniques.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { openSse, openWebSocket } from '../clients.ts'
import {
  asPresenter,
  clientId,
  errorBody,
  eventually,
  presenterToken,
  startServer,
  type TestServer
} from '../helper.ts'

/** Every control that changes what the whole room sees, with a valid body. */
const controls = [
  ['PUT', '/feed/ticker', { rate: 7 }],
  ['PUT', '/wire/network', { rttMs: 100 }],
  ['PUT', '/classroom', { announcement: 'hello', techniques: ['sse'] }],
  ['POST', '/classroom/cut', { seconds: 5 }],
  ['GET', '/classroom/audience', undefined]
] as const

function send(server: TestServer, method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

describe('the presenter token', () => {
  for (const [method, path, body] of controls)
    test(`${method} ${path} answers 401 without the token and 403 with a wrong one, and changes nothing`, async (t) => {
      const server = await startServer(t, { feedRate: 2 })
      const before = {
        ticker: server.app.ticker.settings,
        rtt: server.app.network.rttMs,
        room: server.app.classroom.state
      }
      const missing = await send(server, method, path, body)
      assert.equal(missing.status, 401)
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/)
      assert.equal((await errorBody(missing)).code, 'WW_ERR_PRESENTER_TOKEN_MISSING')
      const wrong = await send(server, method, path, body, { authorization: 'Bearer not-the-token' })
      assert.equal(wrong.status, 403)
      assert.equal((await errorBody(wrong)).code, 'WW_ERR_PRESENTER_TOKEN_WRONG')
      assert.deepEqual(
        { ticker: server.app.ticker.settings, rtt: server.app.network.rttMs, room: server.app.classroom.state },
        before
      )
      const right = await send(server, method, path, body, asPresenter)
      assert.equal(right.status, 200)
    })

  test('is never sent to a student: no page, bundle or public answer contains it', async (t) => {
    const server = await startServer(t)
    const paths = [
      '/',
      '/lessons/',
      '/lessons.json',
      '/presenter',
      '/presenter/console',
      '/classroom',
      '/classroom/student-url'
    ]
    paths.push(...server.app.lessons.map((lesson) => `/lessons/${lesson.slug}`))
    paths.push('/use-cases/chat', '/use-cases/progress', '/use-cases/game', '/classroom/qr.svg')
    for (const path of paths) {
      const response = await fetch(`${server.url}${path}`)
      assert.equal(response.status, 200, path)
      assert.ok(!(await response.text()).includes(presenterToken), `${path} leaks the token`)
    }
  })
})

describe('the classroom', () => {
  test('PUT /classroom sets the lesson, section, techniques and announcement; pages hear it on /wire/live', async (t) => {
    const server = await startServer(t)
    const page = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${clientId('student')}`)
    const heard = () =>
      page.messages.items.flatMap((message) => (message.type === 'classroom' ? [message.classroom] : []))
    await page.messages.waitUntil(() => heard().length === 1)
    const change = { lesson: 'long-polling', section: 'the-timeout-and-204', techniques: ['sse', 'polling'] }
    const response = await send(
      server,
      'PUT',
      '/classroom',
      { ...change, announcement: '  <b>look up</b> ' },
      asPresenter
    )
    const state = (await response.json()) as ClassroomState
    // Techniques come back in the course's order; the announcement is trimmed and kept as text.
    assert.deepEqual(state, {
      ...change,
      techniques: ['polling', 'sse'],
      announcement: '<b>look up</b>',
      networkCutUntil: 0,
      slide: 0,
      blank: false,
      prediction: null,
      // One change since the server started, counted so a window can tell a late answer from newer news.
      revision: (heard()[0]?.revision ?? Number.NaN) + 1
    })
    await page.messages.waitUntil(() => heard().length === 2)
    assert.deepEqual(heard()[1], state)
  })

  test('refuses an unknown lesson or section (404), an unknown technique and a too long announcement (400)', async (t) => {
    const server = await startServer(t)
    assert.equal((await send(server, 'PUT', '/classroom', { lesson: 'alchemy' }, asPresenter)).status, 404)
    const noSection = await send(server, 'PUT', '/classroom', { lesson: 'polling', section: 'alchemy' }, asPresenter)
    assert.equal(noSection.status, 404)
    assert.equal((await noSection.json()).code, 'WW_ERR_UNKNOWN_SECTION')
    assert.equal((await send(server, 'PUT', '/classroom', { section: 'alchemy' }, asPresenter)).status, 404)
    assert.equal((await send(server, 'PUT', '/classroom', { lesson: 'polling', section: '' }, asPresenter)).status, 200)
    assert.equal((await send(server, 'PUT', '/classroom', { techniques: ['fax'] }, asPresenter)).status, 400)
    const long = { announcement: 'x'.repeat(281) }
    assert.equal((await send(server, 'PUT', '/classroom', long, asPresenter)).status, 400)
    assert.equal((await send(server, 'PUT', '/classroom', { volume: 11 }, asPresenter)).status, 400)
  })

  test('a feed rate change reaches every page', async (t) => {
    const server = await startServer(t)
    const pages = await Promise.all(
      ['a', 'b'].map((name) => openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${clientId(name)}`))
    )
    assert.equal((await send(server, 'PUT', '/feed/ticker', { rate: 9 }, asPresenter)).status, 200)
    for (const page of pages)
      await page.messages.waitUntil((items) => items.some((m) => m.type === 'ticker' && m.ticker.rate === 9))
  })

  test('counts the pages connected now and the techniques they use, not the presenter’s own', async (t) => {
    const server = await startServer(t)
    const presenter = clientId('presenter')
    const [pollingPage, ssePage] = [clientId('polling'), clientId('sse')]
    for (const client of [presenter, pollingPage, ssePage])
      await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${client}`)
    await fetch(`${server.url}/feed/polling?client=${pollingPage}`)
    await openSse(t, `${server.url}/feed/sse?client=${ssePage}`)
    const audience = async () =>
      (await (
        await send(server, 'GET', `/classroom/audience?client=${presenter}`, undefined, asPresenter)
      ).json()) as Audience
    const counted = await eventually(async () => {
      const now = await audience()
      assert.equal(now.pages, 2)
      return now
    })
    const none = Object.fromEntries(techniqueNames.map((name) => [name, 0]))
    assert.deepEqual(counted.techniques, { ...none, polling: 1, sse: 1 })
  })

  test('does not count a projector page connected with the presenter token, across its reconnects', async (t) => {
    const server = await startServer(t)
    const [projector, consolePage, student] = [clientId('projector'), clientId('console'), clientId('student')]
    const pages = new Map<string, Awaited<ReturnType<typeof openWebSocket<WireLiveServerMessage>>>>()
    for (const client of [projector, consolePage, student])
      pages.set(client, await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${client}`))
    const audience = async () =>
      (await (
        await send(server, 'GET', `/classroom/audience?client=${consolePage}`, undefined, asPresenter)
      ).json()) as Audience
    await eventually(async () => assert.equal((await audience()).pages, 2), { timeoutMs: 1000 })

    // Without the token the page is not believed.
    assert.equal((await send(server, 'PUT', `/classroom/presenter-page?client=${projector}`, undefined)).status, 401)
    assert.equal((await audience()).pages, 2)
    const marked = await send(server, 'PUT', `/classroom/presenter-page?client=${projector}`, undefined, asPresenter)
    assert.equal(marked.status, 204)
    assert.equal((await audience()).pages, 1)

    // Its /wire/live line drops and comes back (the same page, the same id): still the teacher's.
    pages.get(projector)?.ws.terminate()
    await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${projector}`)
    assert.equal((await audience()).pages, 1)
  })

  test('a page that drives the room with the token (the projector’s keys) is the teacher’s too', async (t) => {
    const server = await startServer(t)
    const [projector, student] = [clientId('projector'), clientId('student')]
    for (const client of [projector, student])
      await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${client}`)
    const pagesNow = async () =>
      ((await (await send(server, 'GET', '/classroom/audience', undefined, asPresenter)).json()) as Audience).pages
    await eventually(async () => assert.equal(await pagesNow(), 2), { timeoutMs: 1000 })
    const moved = await send(server, 'PUT', `/classroom?client=${projector}`, { slide: 1 }, asPresenter)
    assert.equal(moved.status, 200)
    assert.equal(await pagesNow(), 1)
  })

  test('cutting the network drops every technique connection and refuses new ones until restored', async (t) => {
    const server = await startServer(t)
    const stream = await openSse(t, `${server.url}/feed/sse?client=${clientId('s')}`)
    const ws = await openWebSocket(t, server, `/feed/websocket?client=${clientId('w')}`)
    const cut = await send(server, 'POST', '/classroom/cut', { seconds: 30 }, asPresenter)
    assert.equal(((await cut.json()) as { dropped: number }).dropped, 2)
    await stream.ended
    assert.equal((await ws.closed).code, 1006) // no close frame: the network failed
    await assert.rejects(fetch(`${server.url}/feed/polling?client=${clientId('p')}`))
    // The page's own status line and the controls still work, so the teacher can restore it.
    assert.equal((await fetch(`${server.url}/classroom`)).status, 200)
    await send(server, 'POST', '/classroom/cut', { seconds: 0 }, asPresenter)
    assert.equal((await fetch(`${server.url}/feed/polling?client=${clientId('p')}`)).status, 200)
  })

  test('the QR code encodes the student address', async (t) => {
    const server = await startServer(t, { studentUrl: 'http://192.0.2.10:3000/' })
    const { url } = (await (await fetch(`${server.url}/classroom/student-url`)).json()) as { url: string }
    assert.equal(url, 'http://192.0.2.10:3000/')
    const qr = await fetch(`${server.url}/classroom/qr.svg`)
    assert.equal(qr.headers.get('content-type'), 'image/svg+xml')
    const svg = await qr.text()
    assert.match(svg, /^<svg[^>]*viewBox/)
    assert.equal(svg, await qrCodeSvg('http://192.0.2.10:3000/'))
    assert.notEqual(svg, await qrCodeSvg('http://192.0.2.11:3000/'), 'another address, another code')
  })
})
