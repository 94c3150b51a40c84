import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { prefersHtml } from '../src/server/accepts-html.ts'
import { startServer } from './helper.ts'

const chromium =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'
const firefox = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

describe('an address no route answers', () => {
  test('a browser gets the site’s 404 page, with the lessons and without the address it asked for', async (t) => {
    const { app } = await startServer(t)
    for (const accept of [chromium, firefox]) {
      const response = await app.inject({
        url: '/no-such-page/%3Cscript%3Ealert(1)%3C%2Fscript%3E',
        headers: { accept }
      })
      assert.equal(response.statusCode, 404)
      assert.equal(response.headers['content-type'], 'text/html; charset=utf-8')
      assert.match(response.body, /<h1>There is no page at this address<\/h1>/)
      assert.match(response.body, /<a href="\/lessons\/">all the lessons<\/a>/)
      assert.ok(!response.body.includes('aria-current'), 'no section of the site is the current one')
      assert.ok(
        !response.body.includes('no-such-page') && !response.body.includes('alert'),
        'the address is not echoed'
      )
      assert.match(String(response.headers['content-security-policy']), /script-src 'self'/)
    }
  })

  test('a script, curl or an API client gets the JSON error with its code', async (t) => {
    const { app } = await startServer(t)
    for (const accept of [undefined, '*/*', 'application/json']) {
      const response = await app.inject({ url: '/no-such-page', headers: accept ? { accept } : {} })
      assert.equal(response.statusCode, 404, String(accept))
      assert.deepEqual(response.json(), {
        statusCode: 404,
        code: 'WW_ERR_NOT_FOUND',
        error: 'Not Found',
        message: 'Route GET:/no-such-page not found'
      })
    }
  })

  test('an API path is JSON even to a browser, and so is anything but GET or HEAD', async (t) => {
    const { app } = await startServer(t)
    for (const url of ['/feed/nope', '/wire/nope', '/wire', '/classroom/nope', '/jobs/nope', '/game/nope']) {
      const response = await app.inject({
        method: url === '/wire' ? 'DELETE' : 'GET',
        url,
        headers: { accept: chromium }
      })
      assert.equal(response.statusCode, 404, url)
      assert.equal(response.json().code, 'WW_ERR_NOT_FOUND', url)
    }
    const posted = await app.inject({ method: 'POST', url: '/no-such-page', headers: { accept: chromium } })
    assert.equal(posted.statusCode, 404)
    assert.equal(posted.json().code, 'WW_ERR_NOT_FOUND')
  })
})

describe('prefersHtml', () => {
  test('is true for a browser’s navigation, whatever the browser', () => {
    for (const accept of [
      chromium,
      firefox,
      'text/html',
      'TEXT/HTML',
      'text/html, */*',
      'text/html, application/json;q=0.9'
    ])
      assert.equal(prefersHtml(accept), true, accept)
  })

  test('is false for fetch, curl, an API client, or a request with no Accept', () => {
    for (const accept of [undefined, '', '*/*', 'application/json', 'application/json, text/html', 'text/html;q=0'])
      assert.equal(prefersHtml(accept), false, String(accept))
    assert.equal(prefersHtml('text/html;q=0.5, application/json'), false)
  })
})
