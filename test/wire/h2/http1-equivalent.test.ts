import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { http1HeadBytes } from '../../../src/server/wire/h2/http1-equivalent.ts'

describe('http1HeadBytes', () => {
  test('counts the request line, Host from :authority and one line per other field', () => {
    const text = 'GET /a?b=1 HTTP/1.1\r\nhost: x.test\r\naccept: */*\r\ncookie: a=1; b=2\r\n\r\n'
    const fields = [
      { name: ':method', value: 'GET' },
      { name: ':scheme', value: 'https' },
      { name: ':authority', value: 'x.test' },
      { name: ':path', value: '/a?b=1' },
      { name: 'accept', value: '*/*' },
      { name: 'cookie', value: 'a=1' },
      { name: 'cookie', value: 'b=2' }
    ]
    assert.equal(http1HeadBytes(fields), text.length)
  })

  test('counts the status line with its reason phrase', () => {
    const text = 'HTTP/1.1 204 No Content\r\ndate: x\r\n\r\n'
    assert.equal(
      http1HeadBytes([
        { name: ':status', value: '204' },
        { name: 'date', value: 'x' }
      ]),
      text.length
    )
  })
})
