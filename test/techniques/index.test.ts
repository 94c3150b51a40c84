import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { techniques } from '../../src/server/techniques/index.ts'
import { techniqueNames } from '../../src/shared/techniques.ts'
import { startServer } from '../helper.ts'

describe('technique registry', () => {
  test('has one plugin per technique name, in the order they appeared on the web', () => {
    assert.deepEqual(Object.keys(techniques), [...techniqueNames])
  })

  test('every technique answers at /feed/<name>', async (t) => {
    const { app } = await startServer(t)
    for (const name of techniqueNames) assert.ok(app.hasRoute({ method: 'GET', url: `/feed/${name}` }), name)
  })
})
