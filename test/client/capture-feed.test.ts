import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { CaptureFeed } from '../../src/client/capture-feed.ts'
import type { TechniqueName } from '../../src/shared/techniques.ts'

describe('CaptureFeed', () => {
  test('is captured until the server says otherwise, and then says why, with the server’s page limit', () => {
    const feed = new CaptureFeed()
    const heard: ReadonlySet<TechniqueName>[] = []
    feed.onChange((changed) => heard.push(changed))
    assert.equal(feed.notCapturedReason, undefined)

    feed.setStatus({ captured: false, maxPages: 1000 })
    assert.match(feed.notCapturedReason ?? '', /^Not captured: this server keeps the wire of at most 1,000 pages/)
    assert.equal(heard.at(-1)?.size, 6, 'every technique’s view is told')

    feed.setStatus({ captured: true, maxPages: 1000 })
    assert.equal(feed.notCapturedReason, undefined)
    assert.equal(heard.length, 2)
  })
})
