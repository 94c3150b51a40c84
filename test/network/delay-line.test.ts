import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { DelayLine } from '../../src/server/network/delay-line.ts'
import { delay } from '../helper.ts'

describe('DelayLine', () => {
  test('runs a task at once, with no timer hop, when nothing waits and the delay is 0', () => {
    const ran: number[] = []
    new DelayLine().run(0, () => ran.push(1))
    assert.deepEqual(ran, [1])
  })

  test('never lets a later task overtake an earlier one, even when the delay shrinks', async () => {
    const line = new DelayLine()
    const ran: number[] = []
    line.run(120, () => ran.push(1))
    line.run(0, () => ran.push(2))
    line.run(60, () => ran.push(3))
    assert.deepEqual(ran, [])
    await delay(200)
    assert.deepEqual(ran, [1, 2, 3])
  })

  test('waits about the delay it was given', async () => {
    const line = new DelayLine()
    const started = Date.now()
    const ranAt = await new Promise<number>((resolve) => line.run(80, () => resolve(Date.now())))
    assert.ok(ranAt - started >= 75, `ran after ${ranAt - started} ms`)
  })

  test('cancel forgets what is waiting', async () => {
    const line = new DelayLine()
    const ran: number[] = []
    line.run(30, () => ran.push(1))
    line.cancel()
    await delay(60)
    assert.deepEqual(ran, [])
  })
})
