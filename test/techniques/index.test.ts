import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { techniquePlugins } from '../../src/server/techniques/index.ts'
import { techniqueNames } from '../../src/shared/techniques.ts'
import { startServer } from '../helper.ts'

describe('technique registry', () => {
  test('finds one plugin per declared technique, by its name, in the order they appeared on the web', () => {
    assert.deepEqual(Object.keys(techniquePlugins), [...techniqueNames])
    for (const name of techniqueNames) assert.equal(typeof techniquePlugins[name], 'function', name)
  })

  test('every technique answers at /feed/<name>', async (t) => {
    const { app } = await startServer(t)
    for (const name of techniqueNames) assert.ok(app.hasRoute({ method: 'GET', url: `/feed/${name}` }), name)
  })
})
