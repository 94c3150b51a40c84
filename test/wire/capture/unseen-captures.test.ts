import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { UnseenCaptures, unseenGraceMs } from '../../../src/server/wire/capture/unseen-captures.ts'
import type { WireLiveServerMessage } from '../../../src/shared/websocket-messages.ts'
import { openWebSocket } from '../../clients.ts'
import { clientId, delay, startServer, wireOf } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'
import { exchangeRaw, ofKind } from './capture-helper.ts'

describe('UnseenCaptures', () => {
  test('settles each socket once its grace has passed, in the order they began', () => {
    const trials = new UnseenCaptures(100)
    const settled: string[] = []
    trials.add(() => settled.push('first'), 1_000)
    trials.add(() => settled.push('second'), 1_000)
    trials.add(() => settled.push('later'), 1_050)
    trials.decide(1_099)
    assert.deepEqual(settled, [], 'nothing before the grace has passed')
    trials.decide(1_100)
    assert.deepEqual(settled, ['first', 'second'])
    assert.equal(trials.size, 1)
    trials.decide(1_150)
    assert.deepEqual(settled, ['first', 'second', 'later'])
    assert.equal(trials.size, 0, 'no trial left: its timer is gone too')
  })
})

describe('capture of pages nobody has in view', () => {
  test('a page with its live channel open is captured; a client without one only for the grace, then dropped, and still counted', async (t) => {
    const server = await startServer(t)
    const seen = clientId('seen')
    const unseen = clientId('unseen')
    // Only the first page holds its stats channel open, as every page does from the moment it loads.
    const { messages } = await openWebSocket<WireLiveServerMessage>(t, server, `/wire/live?client=${seen}`)
    const captured = () => messages.items.flatMap((message) => (message.type === 'capture' ? message.items : []))
    await messages.waitUntil(() => messages.items.some((message) => message.type === 'report'), 2000, 'first report')
    const rawSeen = await RawClient.connect(server.port)
    const rawUnseen = await RawClient.connect(server.port)
    t.after(() => Promise.all([rawSeen.close(), rawUnseen.close()]))
    await exchangeRaw(rawSeen, rawSeen.get(`/feed/polling?client=${seen}`))
    await exchangeRaw(rawUnseen, rawUnseen.get(`/feed/polling?client=${unseen}`))
    // Past the grace (the decision runs once a second), both connections poll again.
    await delay(unseenGraceMs + 1_500)
    await exchangeRaw(rawSeen, rawSeen.get(`/feed/polling?client=${seen}`))
    await exchangeRaw(rawUnseen, rawUnseen.get(`/feed/polling?client=${unseen}`))
    await messages.waitUntil(() => ofKind(captured(), 'response').length >= 2, 2000, 'both exchanges pushed')
    assert.equal(ofKind(captured(), 'request').length, 2, 'the page in view: both polls captured')

    // Asking for the capture brings a page into view: ask only after the second poll.
    const report = (await fetch(`${server.url}/wire/capture?client=${unseen}`).then((r) => r.json())) as {
      items: { kind: string }[]
    }
    assert.deepEqual(
      report.items.map((item) => item.kind),
      [],
      'the page nobody saw: what its first poll left (within the grace) was dropped with the grace, the second not captured'
    )
    const figures = await wireOf(server, unseen)
    assert.equal(figures.techniques.polling.requests, 2, 'its requests are counted all the same')
  })
})
