import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { aligned, CounterHistory, PointWindow, perSecondOver } from '../../src/client/charts/chart-data.ts'
import { percentileOf } from '../../src/client/delivery/delivery-stats.ts'

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

  test('says when the cap dropped points still inside the window, until they would have aged out', () => {
    const window = new PointWindow(10, 3)
    for (const t of [0, 1, 2]) window.add({ t, y: 0 })
    assert.equal(window.capped(2), false)
    window.add({ t: 3, y: 0 })
    assert.equal(window.capped(3), true)
    assert.equal(window.capped(10.5), false)
  })

  test('holds 50 events a second for two minutes by default', () => {
    const window = new PointWindow(120)
    for (let i = 0; i < 50 * 120; i++) window.add({ t: i / 50, y: i })
    assert.equal(window.points.length, 6_000)
    assert.equal(window.capped(120), false)
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

  test('keeps every point of one series that share an x, each in a row of its own, in arrival order', () => {
    // One poll brought three events: they were received at the same instant.
    const { data, points, pointsPerSeries } = aligned([
      [
        { t: 1, y: 900 },
        { t: 1, y: 500 },
        { t: 1, y: 100 },
        { t: 2, y: 50 }
      ],
      [
        { t: 1, y: 7 },
        { t: 2, y: 8 },
        { t: 2, y: 9 }
      ]
    ])
    assert.deepEqual(data, [
      [1, 1, 1, 2, 2],
      [900, 500, 100, 50, null],
      [7, null, null, 8, 9]
    ])
    assert.equal(points, 7)
    assert.deepEqual(pointsPerSeries, [4, 3])
  })

  test('counts exactly the points it places: 10 events a poll for 8 polls are 80 points', () => {
    const polled = Array.from({ length: 80 }, (_, i) => ({ t: Math.floor(i / 10), y: 1000 - (i % 10) * 100 }))
    const { data, points, pointsPerSeries } = aligned([polled, [], [{ t: 3.5, y: 1 }]])
    const placed = data
      .slice(1)
      .flat()
      .filter((value) => value !== null).length
    assert.equal(placed, 81)
    assert.equal(points, 81)
    assert.deepEqual(pointsPerSeries, [80, 0, 1])
    // The x array never goes backwards, as uPlot requires.
    const xs = data[0] ?? []
    assert.ok(xs.every((x, i) => i === 0 || (x ?? 0) >= (xs[i - 1] ?? 0)))
    // Every latency of a batch counts, not one a poll: 100 to 1000 ms give a median of 500, not 100.
    assert.equal(percentileOf(data[1]?.filter((value) => value !== null) ?? [], 50), 500)
  })
})

describe('perSecondOver', () => {
  test('gives the change per second over the window, from the sample before it, once the window is full', () => {
    const history = new CounterHistory<{ at: number; n: number }>(10_000)
    const rate = () => perSecondOver(history, 10_000, (sample) => sample.n)
    assert.equal(rate(), undefined)
    for (let second = 0; second < 10; second++) history.add({ at: second * 1_000, n: second * 3 })
    assert.equal(rate(), undefined, 'not before the samples span the whole window')
    for (let second = 10; second <= 30; second++) history.add({ at: second * 1_000, n: second * 3 })
    assert.equal(rate(), 3)
    history.add({ at: 30_500, n: 90 + 10 })
    // The window now reaches back to the sample at 20 s: (100 - 60) / 10.5 s.
    assert.ok(Math.abs((rate() ?? 0) - 40 / 10.5) < 1e-9)
  })
})
