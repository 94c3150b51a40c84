import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { aligned, CounterHistory, PointWindow } from '../../src/client/chart-data.ts'

describe('PointWindow', () => {
  test('keeps only the points of the last window', () => {
    const window = new PointWindow(10)
    for (const t of [0, 5, 12, 20]) window.add({ t, y: t })
    assert.deepEqual(
      window.points.map((point) => point.t),
      [12, 20]
    )
    window.trim(31)
    assert.deepEqual(window.points, [])
  })

  test('keeps at most max points', () => {
    const window = new PointWindow(1_000, 3)
    for (let t = 0; t < 5; t++) window.add({ t, y: 0 })
    assert.deepEqual(
      window.points.map((point) => point.t),
      [2, 3, 4]
    )
  })
})

describe('CounterHistory', () => {
  test('spans the window back from the newest sample', () => {
    const history = new CounterHistory<{ at: number; n: number }>(20_000)
    for (let at = 0; at <= 12_000; at += 500) history.add({ at, n: at / 100 })
    assert.deepEqual(history.span(5_000), { from: { at: 7_000, n: 70 }, to: { at: 12_000, n: 120 } })
  })

  test('uses the oldest sample while the window is not full, and nothing with one sample', () => {
    const history = new CounterHistory<{ at: number }>(20_000)
    history.add({ at: 1_000 })
    assert.equal(history.span(5_000), undefined)
    history.add({ at: 1_500 })
    assert.deepEqual(history.span(5_000), { from: { at: 1_000 }, to: { at: 1_500 } })
  })
})

describe('aligned', () => {
  test('merges series into one sorted x array, null where a series has no point', () => {
    const { data, points } = aligned([
      [
        { t: 3, y: 30 },
        { t: 1, y: 10 }
      ],
      [{ t: 2, y: 200 }],
      []
    ])
    assert.deepEqual(data, [
      [1, 2, 3],
      [10, null, 30],
      [null, 200, null],
      [null, null, null]
    ])
    assert.equal(points, 3)
  })

  test('points of different series at the same x share a row', () => {
    const { data } = aligned([[{ t: 5, y: 1 }], [{ t: 5, y: 2 }]])
    assert.deepEqual(data, [[5], [1], [2]])
  })
})
