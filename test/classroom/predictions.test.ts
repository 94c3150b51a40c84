import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  binEdges,
  logBinEdges,
  PredictionStore,
  spansDecades,
  tallyOf
} from '../../src/server/classroom/predictions.ts'
import type { ClassroomState } from '../../src/shared/classroom.ts'
import {
  type PredictionState,
  type PredictQuestion,
  predictionLimits,
  predictionOnScreen,
  type SlidePlace
} from '../../src/shared/prediction.ts'
import type { WireLiveServerMessage } from '../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../clients.ts'
import {
  asPresenter,
  clientId,
  errorBody,
  eventually,
  presenterToken,
  startServer,
  type TestServer
} from '../helper.ts'

// The lessons' own questions: polling's is a number in ms, refresh's a choice of three.
const numberQuestion = 'polling/1'
const choiceQuestion = 'refresh-and-ajax/1'

function json(server: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
}

const put = (server: TestServer, body: unknown) => json(server, 'PUT', '/classroom/prediction', body, asPresenter)
const answer = (server: TestServer, client: string, question: string, value: unknown) =>
  json(server, 'POST', `/classroom/prediction/answer?client=${client}`, { question, value })

async function openQuestion(server: TestServer, question: string): Promise<void> {
  assert.equal((await put(server, { question, phase: 'open' })).status, 200)
}

describe('the room’s prediction', () => {
  test('opened, answered by each page once, closed and revealed: the tally counts what was sent', async (t) => {
    const server = await startServer(t)
    await openQuestion(server, numberQuestion)
    const values = [100, 250, 300, 300, 480, 510, 900]
    for (const [i, value] of values.entries())
      assert.equal((await answer(server, `page-${i}`, numberQuestion, value)).status, 204)
    // A later answer from the same page replaces its first.
    assert.equal((await answer(server, 'page-0', numberQuestion, 120)).status, 204)
    const open = server.app.classroom.state.prediction
    assert.equal(open?.phase, 'open')
    await eventually(() => assert.equal(server.app.classroom.state.prediction?.answers, values.length))
    assert.equal(server.app.classroom.state.prediction?.tally, undefined, 'no answers shown while open')

    const closed = (await (await put(server, { question: numberQuestion, phase: 'closed' })).json()) as PredictionState
    assert.equal(closed.phase, 'closed')
    assert.equal(closed.tally, undefined)
    assert.equal((await answer(server, 'late', numberQuestion, 5)).status, 409, 'closed: no more answers')

    const revealed = (await (
      await put(server, { question: numberQuestion, phase: 'revealed', measured: 507 })
    ).json()) as PredictionState
    assert.equal(revealed.measured, 507)
    assert.equal(revealed.tally?.kind, 'number')
    if (revealed.tally?.kind !== 'number') return
    assert.equal(revealed.tally.bins.length, predictionLimits.bins)
    assert.equal(
      revealed.tally.bins.reduce((sum, bin) => sum + bin.count, 0),
      values.length
    )
    assert.deepEqual([revealed.tally.min, revealed.tally.median, revealed.tally.max], [120, 300, 900])
    assert.deepEqual(server.app.classroom.state.prediction, revealed)
  })

  test('a choice question counts each choice; opening another question forgets the answers', async (t) => {
    const server = await startServer(t)
    await openQuestion(server, choiceQuestion)
    for (const [page, value] of [0, 2, 2, 1, 2].entries()) await answer(server, `p${page}`, choiceQuestion, value)
    const refusedChoice = await answer(server, 'p9', choiceQuestion, 3)
    assert.equal(refusedChoice.status, 400)
    assert.equal((await errorBody(refusedChoice)).code, 'WW_ERR_PREDICTION_VALUE')
    assert.equal((await answer(server, 'p9', choiceQuestion, 1.5)).status, 400, 'a choice is an integer')
    const revealed = (await (
      await put(server, { question: choiceQuestion, phase: 'revealed' })
    ).json()) as PredictionState
    assert.deepEqual(revealed.tally, { kind: 'choice', counts: [1, 1, 3] })

    await openQuestion(server, numberQuestion)
    assert.equal(server.app.classroom.state.prediction?.answers, 0)
    const wrongQuestion = await answer(server, 'p0', choiceQuestion, 1)
    assert.equal(wrongQuestion.status, 409)
    assert.equal((await errorBody(wrongQuestion)).code, 'WW_ERR_PREDICTION_NOT_OPEN')
  })

  test('DELETE clears the question and its answers, for every page', async (t) => {
    const server = await startServer(t)
    await openQuestion(server, numberQuestion)
    await answer(server, 'a', numberQuestion, 10)
    const cleared = await json(server, 'DELETE', '/classroom/prediction', undefined, asPresenter)
    assert.equal(cleared.status, 204)
    const room = () => server.app.classroom.state.prediction
    assert.equal(room(), null)
    assert.equal((await answer(server, 'a', numberQuestion, 10)).status, 409)
    await openQuestion(server, numberQuestion)
    assert.equal(room()?.answers, 0, 'the same question opened again starts empty')
  })

  test('only the presenter opens, reveals or clears it: 401 without the token, 403 with a wrong one', async (t) => {
    const server = await startServer(t)
    const body = { question: numberQuestion, phase: 'open' }
    for (const [method, payload] of [
      ['PUT', body],
      ['DELETE', undefined]
    ] as const) {
      const missing = await json(server, method, '/classroom/prediction', payload)
      assert.equal(missing.status, 401)
      assert.equal((await errorBody(missing)).code, 'WW_ERR_PRESENTER_TOKEN_MISSING')
      const wrong = await json(server, method, '/classroom/prediction', payload, { authorization: 'Bearer nope' })
      assert.equal(wrong.status, 403)
    }
    assert.equal(server.app.classroom.state.prediction, null)
  })

  test('refuses unknown questions and malformed bodies with 400/404 and a JSON reason', async (t) => {
    const server = await startServer(t)
    const unknown = await put(server, { question: 'polling/9', phase: 'open' })
    assert.equal(unknown.status, 404)
    assert.equal((await errorBody(unknown)).code, 'WW_ERR_UNKNOWN_QUESTION')
    for (const bad of [
      { question: numberQuestion, phase: 'shown' },
      { question: numberQuestion },
      { question: '../etc', phase: 'open' },
      { question: numberQuestion, phase: 'open', extra: 1 },
      { question: numberQuestion, phase: 'revealed', measured: -1 }
    ])
      assert.equal((await put(server, bad)).status, 400, JSON.stringify(bad))
    await openQuestion(server, numberQuestion)
    for (const value of [-1, predictionLimits.valueMax + 1, '300', null, [1]]) {
      const response = await answer(server, 'x', numberQuestion, value)
      assert.equal(response.status, 400, JSON.stringify(value))
      assert.equal((await errorBody(response)).statusCode, 400)
    }
    assert.equal((await answer(server, 'x', numberQuestion, predictionLimits.valueMax)).status, 204, 'the bound itself')
    const extra = await json(server, 'POST', '/classroom/prediction/answer?client=x', {
      question: numberQuestion,
      value: 1,
      name: 'Ann'
    })
    assert.equal(extra.status, 400, 'no other property, a name least of all')
    const noClient = await json(server, 'POST', '/classroom/prediction/answer', { question: numberQuestion, value: 1 })
    assert.equal(noClient.status, 400)
  })

  test('a page sending too fast is answered 429 with Retry-After; another page still answers', async (t) => {
    const server = await startServer(t)
    await openQuestion(server, numberQuestion)
    const statuses = []
    for (let i = 0; i < 11; i++) statuses.push((await answer(server, 'flooder', numberQuestion, i)).status)
    assert.deepEqual(statuses, [...Array(10).fill(204), 429])
    const limited = await answer(server, 'flooder', numberQuestion, 1)
    assert.ok(Number(limited.headers.get('retry-after')) > 0)
    assert.equal((await errorBody(limited)).code, 'WW_ERR_RATE_LIMITED')
    assert.equal((await answer(server, 'calm', numberQuestion, 1)).status, 204)
  })

  test('keeps at most answersMax pages and changesMax changes a page (rate limits lifted to reach them)', async (t) => {
    const server = await startServer(t, { rateLimits: false })
    await openQuestion(server, numberQuestion)
    const sends = []
    for (let i = 0; i <= predictionLimits.changesMax + 1; i++)
      sends.push((await answer(server, 'fickle', numberQuestion, i)).status)
    assert.deepEqual(sends.slice(0, -1), Array(predictionLimits.changesMax + 1).fill(204), 'the first and 20 changes')
    assert.equal(sends.at(-1), 429)
    for (let i = 1; i < predictionLimits.answersMax; i++) await answer(server, `page-${i}`, numberQuestion, i)
    const full = await answer(server, 'one-too-many', numberQuestion, 1)
    assert.equal(full.status, 409)
    assert.equal((await errorBody(full)).code, 'WW_ERR_PREDICTIONS_FULL')
    assert.equal((await answer(server, 'page-1', numberQuestion, 2)).status, 204, 'a page already counted may change')
    await eventually(() => assert.equal(server.app.classroom.state.prediction?.answers, predictionLimits.answersMax))
  })

  test('every page hears the count, then the tally; never a client id, a token or a value before the reveal', async (t) => {
    const server = await startServer(t)
    const student = clientId('student')
    const page = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${student}`)
    const heard = () =>
      page.messages.items.flatMap((message) => (message.type === 'classroom' ? [message.classroom] : []))
    await page.messages.waitUntil(() => heard().length === 1)
    await openQuestion(server, numberQuestion)
    const answerers = Array.from({ length: 5 }, (_, i) => clientId(`secret-page-${i}`))
    for (const [i, who] of answerers.entries()) await answer(server, who, numberQuestion, 4321 + i)
    await page.messages.waitUntil(() => heard().at(-1)?.prediction?.answers === 5)
    // Five answers within the quarter second are one message, not five.
    assert.ok(heard().filter((state) => state.prediction?.phase === 'open').length <= 3)
    await put(server, { question: numberQuestion, phase: 'revealed', measured: 9876 })
    await page.messages.waitUntil(() => heard().at(-1)?.prediction?.phase === 'revealed')
    const raw = JSON.stringify(page.messages.items)
    for (const secret of [...answerers, presenterToken]) assert.ok(!raw.includes(secret), `leaks ${secret}`)
    const beforeReveal = JSON.stringify(
      heard().filter((state: ClassroomState) => state.prediction?.phase !== 'revealed')
    )
    assert.ok(!beforeReveal.includes('4321') && !beforeReveal.includes('9876'), 'no value before the reveal')
    const prediction = heard().at(-1)?.prediction
    assert.deepEqual(Object.keys(prediction ?? {}).sort(), ['answers', 'measured', 'on', 'phase', 'question', 'tally'])
  })
})

const here: SlidePlace = { lesson: 'polling', section: 'keep-alive-on-and-off', slide: 1 }

describe('the tally', () => {
  const question: PredictQuestion = { id: 'x/1', prompt: 'How long?', kind: 'number', unit: 'ms' }

  test('bins are round, equal and cover every answer and the measured value', () => {
    assert.deepEqual(binEdges([5, 95]), [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])
    assert.deepEqual(binEdges([19, 109]), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110])
    const edges = binEdges([0.3, 1.7])
    assert.equal(edges.length, predictionLimits.bins + 1)
    assert.ok((edges[0] ?? 1) <= 0.3 && (edges.at(-1) ?? 0) >= 1.7)
    assert.deepEqual(binEdges([300, 300]).slice(0, 2), [300, 330], 'all alike: bins of a tenth')
    assert.deepEqual(binEdges([120, 1112]).slice(0, 3), [120, 240, 360], 'the next round width up, not twice as wide')
    const tally = tallyOf(question, [1000, 1100], 4000)
    assert.equal(tally.kind, 'number')
    if (tally.kind !== 'number') return
    assert.equal(tally.scale, 'linear', 'a span of 4×: equal widths')
    assert.ok((tally.bins.at(-1)?.to ?? 0) >= 4000, 'the measured value is on the scale')
    assert.equal(tally.bins[0]?.count, 2)
  })

  test('a value on an edge falls in the bin it starts; the largest in the last; the median of an even count averages', () => {
    const tally = tallyOf(question, [0, 10, 20, 100])
    if (tally.kind !== 'number') return assert.fail('a number tally')
    assert.deepEqual(
      tally.bins.map((bin) => bin.count),
      [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    )
    assert.equal(tally.median, 15)
    assert.deepEqual(tallyOf(question, []), {
      kind: 'number',
      scale: 'linear',
      bins: Array.from({ length: 10 }, (_, i) => ({ from: i, to: i + 1, count: 0 })),
      median: undefined,
      min: undefined,
      max: undefined
    })
  })

  test('guesses spanning decades are binned 1-2-5 per decade, so the measured 2 ms is not buried with 40 ms', () => {
    const tally = tallyOf(question, [1, 2, 5, 20, 40], 2)
    if (tally.kind !== 'number') return assert.fail('a number tally')
    assert.equal(tally.scale, 'log')
    assert.deepEqual(
      tally.bins.map(({ from, to, count }) => [from, to, count]),
      [
        [1, 2, 1],
        [2, 5, 1],
        [5, 10, 1],
        [10, 20, 0],
        [20, 50, 2]
      ]
    )
  })

  test('the scale is logarithmic only past 1.5 decades, all above zero, the measured value included', () => {
    const scale = (values: number[], measured?: number) => {
      const tally = tallyOf(question, values, measured)
      return tally.kind === 'number' ? tally.scale : undefined
    }
    assert.equal(scale([10, 300]), 'linear', '30×: under 10^1.5')
    assert.equal(scale([10, 320]), 'log', '32×: over 10^1.5')
    assert.equal(scale([10, 20], 1000), 'log', 'the measured value widens the span')
    assert.equal(scale([0, 5, 500]), 'linear', 'a zero has no logarithm')
    assert.equal(scale([7]), 'linear')
    assert.equal(spansDecades([]), false)
  })

  test('logarithmic edges start at or below the least value, end at or above the largest, ten bins at most', () => {
    assert.deepEqual(logBinEdges([1, 40]), [1, 2, 5, 10, 20, 50])
    assert.deepEqual(logBinEdges([1.5, 50]), [1, 2, 5, 10, 20, 50], 'the largest on an edge: the last bin has it')
    assert.deepEqual(logBinEdges([0.3, 20]), [0.2, 0.5, 1, 2, 5, 10, 20])
    assert.deepEqual(logBinEdges([0.3, 700]), [0.1, 1, 10, 100, 1000], 'more than ten 1-2-5 bins: decades')
    assert.deepEqual(logBinEdges([1, 1_000_000]), [1, 10, 100, 1000, 10_000, 100_000, 1_000_000])
    const values = [3, 7, 90, 4000]
    const tally = tallyOf(question, values)
    if (tally.kind !== 'number') return assert.fail('a number tally')
    assert.ok(tally.bins.length <= predictionLimits.bins)
    assert.equal(
      tally.bins.reduce((sum, bin) => sum + bin.count, 0),
      values.length,
      'every answer in a bin'
    )
  })

  test('the store tells nothing but the count until revealed, and the measured value only with the tally', () => {
    const store = new PredictionStore()
    store.set(question, 'open', here, 50)
    store.answer('a', 'x/1', 40)
    assert.deepEqual(store.state, { question, phase: 'open', on: here, answers: 1 })
    store.set(question, 'revealed', here)
    assert.equal(store.state?.measured, 50)
    assert.equal(store.state?.tally?.kind, 'number')
  })
})

describe('what the projector shows', () => {
  const question: PredictQuestion = { id: 'polling/1', prompt: 'How long?', kind: 'number', unit: 'ms' }
  const state = (phase: PredictionState['phase']): PredictionState => ({ question, phase, on: here, answers: 3 })

  test('the open or revealed question on the slide where the teacher set it; the slide itself anywhere else', () => {
    assert.equal(predictionOnScreen(state('revealed'), here)?.phase, 'revealed')
    assert.equal(predictionOnScreen(state('open'), here)?.phase, 'open')
    assert.equal(predictionOnScreen(state('revealed'), { ...here, slide: 2 }), null, 'the next slide: the slide')
    assert.equal(predictionOnScreen(state('revealed'), { ...here, section: 'other' }), null)
    assert.equal(predictionOnScreen(state('revealed'), { ...here, lesson: 'websocket' }), null)
    assert.equal(predictionOnScreen(state('closed'), here), null, 'closed: the slides and their demo, to observe')
    assert.equal(predictionOnScreen(null, here), null)
  })

  test('the server anchors the phase to the slide the room is on when the teacher sets it', async (t) => {
    const server = await startServer(t)
    const room = await json(server, 'PUT', '/classroom', { lesson: 'polling', section: '', slide: 0 }, asPresenter)
    assert.equal(room.status, 200)
    await openQuestion(server, numberQuestion)
    assert.deepEqual(server.app.classroom.state.prediction?.on, { lesson: 'polling', section: '', slide: 0 })
    server.app.classroom.update({ slide: 1 })
    assert.deepEqual(server.app.classroom.state.prediction?.on.slide, 0, 'moving does not move the question')
    await put(server, { question: numberQuestion, phase: 'revealed' })
    assert.deepEqual(server.app.classroom.state.prediction?.on, { lesson: 'polling', section: '', slide: 1 })
  })
})
