import assert from 'node:assert/strict'
import type { NetworkInterfaceInfo } from 'node:os'
import { describe, test } from 'node:test'
import { firstLanAddress, isLoopback, studentUrlFor } from '../../src/server/classroom/student-url.ts'
import { startServer } from '../helper.ts'

const loopbackBound = { address: '127.0.0.1', family: 'IPv4', port: 3000 }
const everyInterfaceBound = { address: '0.0.0.0', family: 'IPv4', port: 3000 }

function address(address: string, internal: boolean, family: 'IPv4' | 'IPv6' = 'IPv4'): NetworkInterfaceInfo {
  return { address, internal, family, netmask: '', mac: '', cidr: null } as NetworkInterfaceInfo
}

describe('the student address', () => {
  test('loopback addresses are told apart from LAN ones', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost'])
      assert.equal(isLoopback(host), true, host)
    for (const host of ['0.0.0.0', '192.168.1.20', 'wirewatch.school.example'])
      assert.equal(isLoopback(host), false, host)
  })

  test('the LAN address is the first IPv4 one that is not internal', () => {
    const interfaces = {
      lo: [address('127.0.0.1', true)],
      eth0: [address('fe80::1', false, 'IPv6'), address('192.168.1.20', false)],
      wlan0: [address('10.0.0.7', false)]
    }
    assert.equal(firstLanAddress(interfaces), '192.168.1.20')
    assert.equal(firstLanAddress({ lo: [address('127.0.0.1', true)] }), undefined)
  })

  test('listening on loopback only, it shows the LAN address and says phones cannot reach the server until restarted', () => {
    const answer = studentUrlFor({
      configured: 'http://127.0.0.1:3000/',
      requestUrl: 'http://127.0.0.1:3000/',
      bound: loopbackBound,
      scheme: 'http',
      lanAddress: '192.168.1.20'
    })
    assert.equal(answer.url, 'http://192.168.1.20:3000/')
    assert.equal(answer.reachable, false)
    assert.equal(answer.listensOn, '127.0.0.1')
    assert.equal(
      answer.warning,
      'This server listens on 127.0.0.1 only: phones cannot reach it. Restart with HOST=0.0.0.0 npm start; then they open http://192.168.1.20:3000/'
    )
  })

  test('listening on every interface, the LAN address is shown with no warning', () => {
    const answer = studentUrlFor({
      configured: 'http://192.168.1.20:3000/',
      requestUrl: 'http://localhost:3000/',
      bound: everyInterfaceBound,
      scheme: 'http',
      lanAddress: '192.168.1.20'
    })
    assert.deepEqual(answer, { url: 'http://192.168.1.20:3000/', listensOn: '0.0.0.0', reachable: true })
  })

  test('a teacher who opened localhost on a server listening everywhere still gets the LAN address', () => {
    const answer = studentUrlFor({
      configured: undefined,
      requestUrl: 'http://localhost:3000/',
      bound: everyInterfaceBound,
      scheme: 'http',
      lanAddress: '10.0.0.7'
    })
    assert.equal(answer.url, 'http://10.0.0.7:3000/')
    assert.equal(answer.reachable, true)
  })

  test('behind a proxy (PUBLIC_URL), a loopback listener is reachable: students go to the proxy', () => {
    const answer = studentUrlFor({
      configured: 'https://wirewatch.school.example/',
      requestUrl: 'http://127.0.0.1:3000/',
      bound: loopbackBound,
      scheme: 'http',
      lanAddress: '192.168.1.20'
    })
    assert.deepEqual(answer, { url: 'https://wirewatch.school.example/', listensOn: '127.0.0.1', reachable: true })
  })

  test('a machine with no LAN keeps the loopback address, and the warning gives no address to open', () => {
    const answer = studentUrlFor({
      configured: undefined,
      requestUrl: 'http://127.0.0.1:3000/',
      bound: loopbackBound,
      scheme: 'http',
      lanAddress: undefined
    })
    assert.equal(answer.url, 'http://127.0.0.1:3000/')
    assert.equal(
      answer.warning,
      'This server listens on 127.0.0.1 only: phones cannot reach it. Restart with HOST=0.0.0.0 npm start'
    )
  })

  test('GET /classroom/student-url on a loopback server answers the warning, and the QR code encodes the LAN address', async (t) => {
    const server = await startServer(t)
    const answer = (await (await fetch(`${server.url}/classroom/student-url`)).json()) as Record<string, unknown>
    assert.equal(answer.listensOn, '127.0.0.1')
    assert.equal(answer.reachable, false)
    assert.match(
      String(answer.warning),
      /^This server listens on 127\.0\.0\.1 only: phones cannot reach it\. Restart with HOST=0\.0\.0\.0 npm start/
    )
    const lan = firstLanAddress()
    assert.equal(answer.url, lan ? `http://${lan}:${server.port}/` : `${server.url}/`)
    const qr = await fetch(`${server.url}/classroom/qr.svg`)
    assert.equal(qr.status, 200)
  })

  test('the projector and the console are pages anyone may load: they hold no token', async (t) => {
    const server = await startServer(t)
    for (const path of ['/presenter', '/presenter/console']) {
      const response = await fetch(`${server.url}${path}`)
      assert.equal(response.status, 200, path)
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/)
      const html = await response.text()
      assert.ok(!html.includes('test-presenter-token'), `${path} leaks the token`)
      assert.ok(!html.includes('class="site-header"'), `${path} projects no site navigation`)
    }
  })
})
