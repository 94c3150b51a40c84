import assert from 'node:assert/strict'
import type { AddressInfo, Socket } from 'node:net'
import { describe, test } from 'node:test'
import { connect, createServer, TLSSocket } from 'node:tls'
import { makeSelfSigned } from '../../src/server/tls.ts'
import { tcpUnderTls } from '../../src/server/wire/tcp-under-tls.ts'

const credentials = await makeSelfSigned(['localhost'], ['127.0.0.1'])

describe('tcpUnderTls', () => {
  test('finds the TCP socket under each TLS socket, with several handshakes under way at once', async (t) => {
    const server = createServer({ key: credentials.key, cert: credentials.cert })
    const tcpUnder = tcpUnderTls(server)
    const found: { tls: TLSSocket; tcp: Socket }[] = []
    server.on('secureConnection', (tls: TLSSocket) => {
      found.push({ tls, tcp: tcpUnder(tls) })
      tls.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.after(() => server.close())
    const { port } = server.address() as AddressInfo

    const clients = Array.from({ length: 3 }, () => connect({ port, host: '127.0.0.1', ca: credentials.cert }))
    await Promise.all(clients.map((client) => new Promise((resolve) => client.on('end', resolve).resume())))

    assert.equal(found.length, 3)
    for (const { tls, tcp } of found) {
      assert.ok(!(tcp instanceof TLSSocket), 'the plain TCP socket, not the TLS one')
      assert.equal(tcp.remotePort, tls.remotePort)
      // The handshake crossed the TCP socket: bytes the plaintext TLS socket never counts.
      assert.ok(tcp.bytesWritten > tls.bytesWritten + 500, `${tcp.bytesWritten} B under ${tls.bytesWritten} B`)
    }
    assert.equal(new Set(found.map(({ tcp }) => tcp)).size, 3, 'each its own')
  })
})
