import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  explanationText,
  type ProbeSeen,
  probeText,
  type StreamSeen,
  summaryText
} from '../../src/client/demos/six-connections-text.ts'
import { protocolName } from '../../src/client/platform/page-protocol.ts'

const open = (ms: number): StreamSeen => ({ state: 'open', openedAfterMs: ms, waitedMs: 0 })
const waiting = (ms: number): StreamSeen => ({ state: 'waiting', openedAfterMs: undefined, waitedMs: ms })
const neverOpened = (ms: number): StreamSeen => ({ state: 'closed', openedAfterMs: undefined, waitedMs: ms })
const closedAfter = (ms: number): StreamSeen => ({ state: 'closed', openedAfterMs: ms, waitedMs: 30_000 })
const probeWaiting: ProbeSeen = { state: 'waiting', ms: 2_900 }
const probeAnswered: ProbeSeen = { state: 'answered', ms: 8_412 }
const overHttp1 = { nextHopProtocol: 'http/1.1', alreadyHeld: 0, perServer: 6 }

describe('the six-connection demo says what it measured', () => {
  test('names the protocol the browser reports', () => {
    assert.equal(protocolName('http/1.1'), 'HTTP/1.1')
    assert.equal(protocolName('h2'), 'HTTP/2')
    assert.equal(protocolName('h3'), 'HTTP/3')
    assert.equal(protocolName(''), 'not reported by this browser')
  })

  test('counts open and waiting streams from their states, not from the limit', () => {
    const streams = [...[12, 14, 15, 15, 16, 20].map(open), waiting(3_400), waiting(3_400)]
    assert.equal(
      summaryText(streams, probeWaiting, true),
      '6 of 8 streams open, 2 waiting. The page’s next request is waiting.'
    )
    assert.equal(
      summaryText([open(5), waiting(100)], { state: 'idle', ms: 0 }, true),
      '1 of 2 streams open, 1 waiting.'
    )
  })

  test('over HTTP/1.1, says how many waited and that the next request waits behind them', () => {
    const streams = [...[12, 14, 15, 15, 16, 40].map(open), waiting(3_400), waiting(3_100)]
    assert.equal(
      explanationText(streams, probeWaiting, { ...overHttp1, alreadyHeld: 0 }),
      'Over HTTP/1.1 this browser opens at most 6 connections to one server, and each open stream keeps one. ' +
        'This browser’s pages already held 0 of its 6 connections here with streams of their own. ' +
        'Of 8 streams, 6 opened (after 12–40 ms); ' +
        '2 wait for a free connection (3.4 s so far), and so does the page’s next request.'
    )
  })

  test('after closing, says which never opened and what the next request took', () => {
    const streams = [...[12, 14].map(closedAfter), neverOpened(9_000)]
    assert.equal(
      summaryText(streams, probeAnswered, false),
      'Closed. 2 of 3 streams had opened, 1 never did. The page’s next request was answered.'
    )
    assert.match(
      explanationText(streams, probeAnswered, { ...overHttp1, alreadyHeld: 4 }),
      /already held 4 of its 6 connections here with streams of their own\. Of 3 streams, 2 opened \(after 12–14 ms\); 1 never opened \(waited up to 9\.0 s, until closed\)\. The page’s next request took 8\.4 s\.$/
    )
  })

  test('tells the streams that opened at once from those that opened later, on a freed connection', () => {
    const streams = [open(29), open(31), open(803), waiting(3_900), waiting(3_900)]
    assert.match(
      explanationText(streams, probeWaiting, { ...overHttp1, alreadyHeld: 4 }),
      /Of 5 streams, 3 opened \(2 after 29–31 ms, 1 after 803 ms\); 2 wait for a free connection \(3\.9 s so far\)/
    )
    assert.match(
      explanationText(streams, probeWaiting, { ...overHttp1, alreadyHeld: 4 }),
      /4 \+ 3 is more than 6: a response those pages held ended/
    )
    assert.doesNotMatch(explanationText(streams, probeWaiting, { ...overHttp1, alreadyHeld: 3 }), /is more than/)
  })

  test('claims no waiting where none was measured', () => {
    const explanation = explanationText([open(12), open(20), open(30)], { state: 'answered', ms: 9 }, overHttp1)
    assert.match(explanation, /All 3 streams opened \(after 12–30 ms\)\. The page’s next request took 9 ms\.$/)
    assert.doesNotMatch(explanation, /wait/)
  })

  test('over HTTP/2, all open on one connection, and says otherwise if they did not', () => {
    const h2 = { nextHopProtocol: 'h2', alreadyHeld: undefined, perServer: 6 }
    assert.equal(
      explanationText([open(6), open(86)], { state: 'answered', ms: 12 }, h2),
      'Over HTTP/2 one connection carries many requests at once: all 2 streams opened (after 6–86 ms). The page’s next request took 12 ms.'
    )
    assert.equal(
      explanationText([open(6), waiting(2_000)], probeWaiting, h2),
      'This page came over HTTP/2. Of 2 streams, 1 opened (after 6 ms); 1 waiting, 0 closed before opening.'
    )
  })

  test('shows the probe as waiting with its time, or what it took', () => {
    assert.equal(probeText(probeWaiting), 'waiting 2.9 s…')
    assert.equal(probeText({ state: 'answered', ms: 12.4 }), 'answered after 12 ms')
  })
})
