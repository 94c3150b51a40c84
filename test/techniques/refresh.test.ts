import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { escapeHtml } from '../../src/server/page-layout.ts'
import { publishTicks, range, startServer } from '../helper.ts'

/** The ids of the table rows, in page order. */
function rowIds(html: string): number[] {
  return [...html.matchAll(/<tr data-id="(\d+)"/g)].map((match) => Number(match[1]))
}

describe('refresh', () => {
  test('answers a whole HTML page listing the latest 20 events, newest first, with id and time', async (t) => {
    const { app, url } = await startServer(t)
    const events = publishTicks(app, 25)
    const response = await fetch(`${url}/feed/refresh`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/)
    assert.equal(response.headers.get('cache-control'), 'no-store')
    const html = await response.text()
    assert.match(html, /^<!doctype html>/)
    assert.deepEqual(rowIds(html), range(6, 25).reverse())
    assert.match(html, /<body data-latest="25">/)

    const last = events.at(-1)
    assert.ok(last)
    const time = new Date(last.at).toISOString().slice(11, 23)
    assert.ok(
      html.includes(
        `<tr data-id="25" data-at="${last.at}" data-kind="tick" data-data="{&#34;value&#34;:24}"><td>25</td><td>${time}</td>`
      ),
      'row 25 shows its id, data (as escaped JSON) and time'
    )
  })

  test('an empty feed gives a page with an empty table', async (t) => {
    const { url } = await startServer(t)
    const html = await (await fetch(`${url}/feed/refresh`)).text()
    assert.deepEqual(rowIds(html), [])
    assert.match(html, /<tbody>\s*<\/tbody>/)
  })

  test('shows chat text as text, never as markup', async (t) => {
    const { app, url } = await startServer(t)
    const attack = '<img src=x onerror=alert(1)> & "quotes" \'too\''
    app.feed.publish('chat', { text: attack })
    const html = await (await fetch(`${url}/feed/refresh`)).text()
    assert.ok(!html.includes('<img'), 'no <img> tag in the page')
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;quotes&#34; &#39;too&#39;'))
  })

  test('the reload link keeps the client id', async (t) => {
    const { url } = await startServer(t)
    const html = await (await fetch(`${url}/feed/refresh?client=abc_1`)).text()
    assert.ok(html.includes('<a href="/feed/refresh?client=abc_1">reload</a>'))
  })

  test('escapeHtml escapes the five characters that matter in HTML', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;')
    assert.equal(escapeHtml('plain text'), 'plain text')
  })
})
