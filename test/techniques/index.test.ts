import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { techniquePlugins } from '../../src/server/techniques/index.ts'
import { allTechniques, techniqueNames } from '../../src/shared/techniques.ts'
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

  test('every declared technique is described in full', () => {
    for (const technique of allTechniques) {
      assert.match(technique.letter, /^[A-Z]$/, technique.name)
      assert.match(technique.colour.light, /^#[0-9a-f]{6}$/, technique.name)
      assert.match(technique.colour.dark, /^#[0-9a-f]{6}$/, technique.name)
      assert.ok(technique.title.length > 0 && technique.how.length > 0, technique.name)
      assert.equal(
        technique.asking === 'by hand',
        technique.action !== undefined,
        `${technique.name}: a manual one names its action`
      )
    }
    const letters = allTechniques.map((technique) => technique.letter)
    assert.equal(new Set(letters).size, letters.length, 'letters tell techniques apart')
    const shapes = allTechniques.map((technique) => technique.shape)
    assert.equal(new Set(shapes).size, shapes.length, 'shapes tell techniques apart')
  })
})
