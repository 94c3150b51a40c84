import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { pausedText } from '../../src/client/panels/paused-notice.ts'

describe('pausedText', () => {
  test('names the figures and where the connections are', () => {
    assert.match(
      pausedText({ held: 4, elsewhere: 4, takenOver: false }),
      /^This browser already holds 4 of its 6 connections to this server, 4 of them in another tab\. .*2 stay free for requests/
    )
    assert.match(
      pausedText({ held: 4, elsewhere: 0, takenOver: false }),
      /4 of its 6 connections to this server, all of them on this page\./
    )
    assert.equal(
      pausedText({ held: 4, elsewhere: 1, takenOver: false }, true),
      'paused: this browser already holds 4 of its 6 connections here, 1 in another tab'
    )
  })

  test('a stream taken over says so, without guessing where the taker is', () => {
    assert.match(pausedText({ held: 4, elsewhere: 1, takenOver: true }), /^Another stream took over this connection/)
    assert.match(
      pausedText({ held: 4, elsewhere: 1, takenOver: true }, true),
      /^paused: another stream took this connection/
    )
  })
})
