import assert from 'node:assert/strict'
import { afterEach, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  ConnectionBudget,
  grantedWants,
  heldAtMost,
  type PauseReason,
  type Want
} from '../../src/client/platform/connection-budget.ts'

// Node has BroadcastChannel too: each budget here is one "tab", on a channel of the test's own.
let channel = 0
let open: ConnectionBudget[] = []

function tab(name: string, options: { limited?: boolean; probeEvery?: number } = {}): ConnectionBudget {
  const budget = new ConnectionBudget(name, { channelName: `test-${process.pid}-${channel}`, ...options })
  open.push(budget)
  return budget
}

/** A stream as a panel holds one: granted or paused, with the last reason. */
function stream(budget: ConnectionBudget) {
  const state = { granted: false, reason: undefined as PauseReason | undefined }
  const holding = budget.hold({
    grant: () => {
      state.granted = true
      state.reason = undefined
    },
    pause: (reason) => {
      state.granted = false
      state.reason = reason
    }
  })
  return { state, holding }
}

/** Past a new tab's first listening and the messages between tabs. */
const settled = () => sleep(250)

/** A tab that opened `count` streams, settled: the first tab, holding all 4 it may. */
async function tabHolding(name: string, count = 4) {
  const budget = tab(name)
  const streams = Array.from({ length: count }, () => stream(budget))
  await settled()
  return { budget, streams }
}

afterEach(() => {
  for (const budget of open) budget.close()
  open = []
  channel++
})

describe('grantedWants', () => {
  const want = (tab: string, since: number): Want => ({ tab, key: '0', since })

  test('first come, first served, up to 4 (6 connections, 2 kept for requests)', () => {
    const wants = [want('b', 5), want('a', 1), want('a', 2), want('c', 9), want('a', 3), want('a', 4)]
    assert.equal(heldAtMost, 4)
    assert.deepEqual(
      [...grantedWants(wants)].map((granted) => granted.since),
      [1, 2, 3, 4]
    )
  })
})

describe('ConnectionBudget', () => {
  test('one tab: four streams open, a fifth waits and says the browser holds 4 of its 6', async () => {
    const a = tab('a')
    const streams = Array.from({ length: 5 }, () => stream(a))
    await settled()
    assert.deepEqual(
      streams.map((s) => s.state.granted),
      [true, true, true, true, false]
    )
    assert.deepEqual(streams[4]?.state.reason, { held: 4, elsewhere: 0, takenOver: false })
  })

  test('a second tab waits for the first, resumes as the first lets go, and when it leaves', async () => {
    const { budget: a, streams: first } = await tabHolding('a')
    const b = tab('b')
    const second = Array.from({ length: 4 }, () => stream(b))
    await settled()
    assert.ok(first.every((s) => s.state.granted))
    assert.ok(second.every((s) => !s.state.granted))
    assert.deepEqual(second[0]?.state.reason, { held: 4, elsewhere: 4, takenOver: false })

    first[0]?.holding.release()
    await settled()
    assert.deepEqual(
      second.map((s) => s.state.granted),
      [true, false, false, false]
    )
    assert.deepEqual(second[1]?.state.reason, { held: 4, elsewhere: 3, takenOver: false })

    a.leave()
    await settled()
    assert.ok(second.every((s) => s.state.granted))
  })

  test('Take over pauses another tab’s stream, which says it was taken and can take it back', async () => {
    const { streams: first } = await tabHolding('a')
    const b = tab('b')
    const wanting = stream(b)
    await settled()
    assert.equal(wanting.state.granted, false)

    wanting.holding.takeOver()
    await settled()
    assert.equal(wanting.state.granted, true)
    const taken = first.filter((s) => !s.state.granted)
    assert.equal(taken.length, 1)
    assert.deepEqual(taken[0]?.state.reason, { held: 4, elsewhere: 1, takenOver: true })

    taken[0]?.holding.takeOver()
    await settled()
    assert.ok(first.every((s) => s.state.granted))
    assert.equal(wanting.state.granted, false)
    assert.deepEqual(wanting.state.reason, { held: 4, elsewhere: 4, takenOver: true })
  })

  test('Take over moves no other waiting stream: a third tab still waits its turn', async () => {
    const { streams: first } = await tabHolding('a')
    const c = tab('c')
    const earlier = stream(c)
    await settled()
    const b = tab('b')
    const wanting = stream(b)
    await settled()
    wanting.holding.takeOver()
    await settled()
    assert.equal(wanting.state.granted, true)
    assert.equal(earlier.state.granted, false)
    assert.equal(first.filter((s) => s.state.granted).length, 3)
    first.find((s) => s.state.granted)?.holding.release()
    await settled()
    assert.equal(earlier.state.granted, true, 'the first to wait is the first served')
  })

  test('a tab that vanished without a word is forgotten when it no longer answers', async () => {
    const { budget: a } = await tabHolding('a')
    const b = tab('b', { probeEvery: 200 })
    const wanting = stream(b)
    await settled()
    assert.equal(wanting.state.granted, false)
    a.close()
    await sleep(1_500)
    assert.equal(wanting.state.granted, true)
  })

  test('a tab in the background still answers: its streams are not taken for gone', async () => {
    const { streams: first } = await tabHolding('a')
    const b = tab('b', { probeEvery: 200 })
    const wanting = stream(b)
    await sleep(1_500)
    assert.equal(wanting.state.granted, false)
    assert.ok(first.every((s) => s.state.granted))
  })

  test('over HTTP/2 (not limited) every stream opens at once', async () => {
    const a = tab('a', { limited: false })
    const streams = Array.from({ length: 8 }, () => stream(a))
    await sleep(10)
    assert.ok(streams.every((s) => s.state.granted))
  })
})
