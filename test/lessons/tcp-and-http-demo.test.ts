import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { percentileOf } from '../../src/client/delivery/delivery-stats.ts'
import { techniqueClients } from '../../src/client/techniques/index.ts'
import type { ClientListener, Transport } from '../../src/client/techniques/transport.ts'
import { readLessons } from '../../src/server/lessons/lesson-files.ts'
import { renderLesson } from '../../src/server/lessons/markdown.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { clientId, delay, eventually, startServer } from '../helper.ts'
import { nodeIo } from '../node-io.ts'

const rttMs = 200
const intervalMs = 500
const polls = 8

/** What the panel would show: each poll's response time, and each event's latency (one clock: no offset). */
class Measured implements ClientListener {
  readonly responseTimes: number[] = []
  readonly latencies: number[] = []
  received(events: FeedEvent[], receivedAt: number): void {
    for (const event of events) this.latencies.push(receivedAt - event.at)
  }
  answered(sentAt: number, answeredAt: number): void {
    this.responseTimes.push(answeredAt - sentAt)
  }
  reset(): void {}
  state(): void {}
}

/** Polls with the page's own transport, keep-alive on or off, and returns what it measured past the first answer. */
async function poll(t: TestContext, url: string, keepalive: boolean): Promise<Measured> {
  const measured = new Measured()
  const transport: Transport = techniqueClients.polling.create({
    clientId: clientId(`keepalive-${keepalive}`),
    listener: measured,
    io: nodeIo(url)
  })
  Object.assign(transport.settings, { intervalMs, keepalive })
  t.after(() => transport.stop())
  transport.start()
  await eventually(() => assert.ok(measured.responseTimes.length >= polls, 'every poll timed'), {
    timeoutMs: polls * 2 * intervalMs
  })
  transport.stop()
  return measured
}

describe('lesson 6 (TCP and HTTP): its prediction is what its demo shows', () => {
  test('the question asks for the polling panel’s response time p50, in ms', () => {
    const lesson = readLessons().find((each) => each.slug === 'tcp-and-http')
    assert.ok(lesson)
    const [question, ...more] = renderLesson(lesson.markdown, lesson.slug).predictions
    assert.equal(more.length, 0)
    assert.equal(question?.kind, 'number')
    assert.ok(question?.kind === 'number')
    assert.equal(question.unit, 'ms')
    assert.deepEqual(question.measure, { technique: 'polling', figure: 'response-time-p50' })
    assert.match(question.prompt, /200 ms/)
    assert.match(question.prompt, /keep-alive off/)
    assert.match(lesson.markdown, /about two round trips, 400 ms, where keep-alive on reads about one, 200 ms/)
  })

  test(`at a simulated ${rttMs} ms round trip, keep-alive off doubles each poll’s response time but not the events’ latency`, async (t) => {
    const { app, url } = await startServer(t)
    app.network.set(rttMs)
    // A steady feed, 10 events a second, so both runs see events spread alike over the poll interval.
    const ticker = setInterval(() => app.feed.publish('tick', { value: 1 }), 100)
    t.after(() => clearInterval(ticker))
    await delay(300)

    const on = await poll(t, url, true)
    const off = await poll(t, url, false)
    // The first answer is the catch-up (the feed as it was), and may reuse a connection: left out.
    const median = (values: number[]) => percentileOf(values.slice(1), 50) ?? Number.NaN
    const responseOn = median(on.responseTimes)
    const responseOff = median(off.responseTimes)
    const latencyOn = percentileOf(on.latencies.slice(10), 50) ?? Number.NaN
    const latencyOff = percentileOf(off.latencies.slice(10), 50) ?? Number.NaN
    t.diagnostic(
      `response time p50: keep-alive on ${responseOn} ms, off ${responseOff} ms; ` +
        `latency p50: on ${latencyOn} ms, off ${latencyOff} ms`
    )

    // One round trip per request; a new connection waits one more for its handshake.
    assert.ok(responseOn >= rttMs && responseOn < 1.5 * rttMs, `keep-alive on: ${responseOn} ms`)
    assert.ok(responseOff >= 2 * rttMs && responseOff < 2.5 * rttMs, `keep-alive off: ${responseOff} ms`)
    // The handshake moves when each poll reaches the server, not how far apart the polls are.
    assert.ok(Math.abs(latencyOff - latencyOn) < rttMs / 2, `latency p50 on ${latencyOn} ms, off ${latencyOff} ms`)
  })
})
