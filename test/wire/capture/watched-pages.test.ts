import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WatchedPages } from '../../../src/server/wire/capture/watched-pages.ts'

describe('WatchedPages', () => {
  test('watches a page and its address for a minute after it last said so', () => {
    const watched = new WatchedPages({ windowMs: 60_000 })
    assert.equal(watched.watchesAddress('10.0.0.7', 0), false, 'nobody watching')
    assert.equal(watched.watch('page', '10.0.0.7', 1_000), 61_000)
    assert.equal(watched.watchesAddress('10.0.0.7', 60_999), true)
    assert.equal(watched.watchesAddress('10.0.0.8', 60_999), false, 'another address')
    watched.watch('page', '10.0.0.7', 30_000)
    assert.equal(watched.watchesAddress('10.0.0.7', 89_999), true, 'said again: a minute from then')
    assert.equal(watched.watchesAddress('10.0.0.7', 90_000), false)
    assert.equal(watched.watchesAddress(undefined, 0), false, 'a socket without a peer address')
  })

  test('remembers at most maxPages, forgetting the one that said so longest ago', () => {
    const watched = new WatchedPages({ maxPages: 2 })
    watched.watch('a', '10.0.0.1', 0)
    watched.watch('b', '10.0.0.2', 1)
    watched.watch('c', '10.0.0.3', 2)
    assert.deepEqual(
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => watched.watchesAddress(address, 3)),
      [false, true, true]
    )
  })

  test('watches every address when told to (the bench’s worst case)', () => {
    assert.equal(new WatchedPages({ everyone: true }).watchesAddress('10.0.0.9'), true)
  })
})
