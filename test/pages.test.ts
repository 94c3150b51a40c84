import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { test } from 'node:test'
import { publicDir } from '../src/server/pages.ts'
import { startServer } from './helper.ts'

test('a browser asking /favicon.ico (a page without an icon link) gets the site’s SVG icon, not a 404', async (t) => {
  const { url } = await startServer(t)
  const response = await fetch(`${url}/favicon.ico`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^image\/svg\+xml/)
  assert.equal(await response.text(), await readFile(`${publicDir}favicon.svg`, 'utf8'))
})
