import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { allTechniques, holdsConnection, type Technique } from '../../src/shared/techniques.ts'

/** Techniques that share a value, as `a and b share <value>` per value that more than one has. */
function shared(look: (technique: Technique) => string): string[] {
  const byValue = new Map<string, Technique[]>()
  for (const technique of allTechniques)
    byValue.set(look(technique), [...(byValue.get(look(technique)) ?? []), technique])
  return [...byValue]
    .filter(([, sharing]) => sharing.length > 1)
    .map(([value, sharing]) => `${sharing.map(({ name }) => name).join(' and ')} share ${value}`)
}

describe('technique declarations', () => {
  test('every declared technique is described in full', () => {
    for (const technique of allTechniques) {
      assert.match(technique.letter, /^[A-Z]$/, `${technique.name}: its letter is one capital`)
      assert.match(technique.colour.light, /^#[0-9a-f]{6}$/, technique.name)
      assert.match(technique.colour.dark, /^#[0-9a-f]{6}$/, technique.name)
      assert.ok(technique.title.length > 0 && technique.how.length > 0, technique.name)
      assert.equal(
        technique.asking === 'by hand',
        technique.action !== undefined,
        `${technique.name}: a manual one names its action`
      )
    }
  })

  // One colour per technique, on a light page and on a dark one, plus a letter and a shape, so
  // that colour is never the only cue: any two techniques differ in each of the four.
  test('no two techniques share a colour (light or dark), a letter or a shape', () => {
    const clashes = [
      ...shared(({ colour }) => `the light colour ${colour.light}`),
      ...shared(({ colour }) => `the dark colour ${colour.dark}`),
      ...shared(({ letter }) => `the letter ${letter}`),
      ...shared(({ shape }) => `the shape ${shape}`)
    ]
    assert.deepEqual(clashes, [])
  })

  test('the techniques that keep an HTTP/1.1 connection busy: a held poll and every never-ending response, not the WebSocket', () => {
    assert.deepEqual(
      allTechniques.filter(holdsConnection).map((technique) => technique.name),
      ['long-polling', 'sse', 'fetch-stream', 'iframe-stream']
    )
  })
})
