import assert from 'node:assert/strict'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { buildApp } from '../src/server/app.ts'
import { makeSelfSigned } from '../src/server/tls.ts'
import { isLoopbackHost } from '../src/server/trustworthy-origin.ts'
import { startServer } from './helper.ts'

const credentials = await makeSelfSigned(['localhost', 'classroom.test'], ['127.0.0.1'])

/** The headers of a GET over HTTPS to our self-signed server, with the Host a classroom would send. */
function httpsHeaders(port: number, path: string, host: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers: { host }, ca: credentials.cert, agent: false }, (response) => {
      response.resume().on('end', () => resolve(response.headers))
    })
      .on('error', reject)
      .end()
  })
}

describe('security headers that need a secure context', () => {
  test('a loopback Host gets Cross-Origin-Opener-Policy and Origin-Agent-Cluster over plain http', async (t) => {
    const { app, port } = await startServer(t)
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, '[::1]:3000', 'LOCALHOST']) {
      const response = await app.inject({ url: '/lessons/', headers: { host } })
      assert.equal(response.headers['cross-origin-opener-policy'], 'same-origin', host)
      assert.equal(response.headers['origin-agent-cluster'], '?1', host)
    }
  })

  test('a LAN address or name over plain http gets neither, and keeps every other header', async (t) => {
    const { app, port } = await startServer(t)
    const onLoopback = await app.inject({ url: '/lessons/', headers: { host: `127.0.0.1:${port}` } })
    for (const host of [`classroom.test:${port}`, '192.168.1.10', `192.168.1.10:${port}`, '[fe80::1]:3000']) {
      const response = await app.inject({ url: '/lessons/', headers: { host } })
      assert.equal(response.headers['cross-origin-opener-policy'], undefined, host)
      assert.equal(response.headers['origin-agent-cluster'], undefined, host)
      for (const name of ['content-security-policy', 'x-frame-options', 'x-content-type-options', 'referrer-policy'])
        assert.equal(response.headers[name], onLoopback.headers[name], `${name} on ${host}`)
    }
    assert.match(String(onLoopback.headers['content-security-policy']), /script-src 'self';script-src-attr 'none'/)
    assert.equal(onLoopback.headers['strict-transport-security'], undefined)
  })

  test('a data route gets no document headers, even on loopback', async (t) => {
    const { app, port } = await startServer(t)
    const response = await app.inject({ url: '/feed/ajax', headers: { host: `127.0.0.1:${port}` } })
    assert.equal(response.statusCode, 200)
    assert.equal(response.headers['cross-origin-opener-policy'], undefined)
    assert.equal(response.headers['content-security-policy'], undefined)
  })

  test('over TLS every Host gets them (and still no HSTS)', async (t) => {
    const app = await buildApp({ feedRate: 0, https: { key: credentials.key, cert: credentials.cert } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.after(() => app.close())
    const { port } = app.server.address() as AddressInfo
    const headers = await httpsHeaders(port, '/lessons/', `classroom.test:${port}`)
    assert.equal(headers['cross-origin-opener-policy'], 'same-origin')
    assert.equal(headers['origin-agent-cluster'], '?1')
    assert.equal(headers['strict-transport-security'], undefined)
  })

  test('loopback is what Chromium treats as trustworthy: localhost, *.localhost, 127.0.0.0/8, [::1]', () => {
    for (const host of ['localhost', 'app.localhost:8080', '127.0.0.1', '127.45.6.7:80', '[::1]', '[::1]:3000'])
      assert.equal(isLoopbackHost(host), true, host)
    for (const host of ['192.168.1.10', 'classroom.test', 'localhost.example', '128.0.0.1', '[::2]', '', 'a b'])
      assert.equal(isLoopbackHost(host), false, host)
  })
})
