import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { describe, test } from 'node:test'
import { buildApp } from '../../../src/server/app.ts'
import { clientId, presenterToken } from '../../helper.ts'
import { RawClient } from '../../raw-http.ts'
import { exchange } from '../wire-helper.ts'

describe('capture failures', () => {
  test('a capture that fails is logged once per cause, with the page, and the traffic goes on undisturbed', async (t) => {
    const lines: Record<string, unknown>[] = []
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)))
        done()
      }
    })
    const app = await buildApp({ feedRate: 0, presenterToken, logger: { level: 'warn', stream } })
    // What a Node upgrade that breaks the tap would look like: every capture step throws.
    app.capture.add = () => {
      throw new TypeError('the tap no longer understands this socket')
    }
    await app.listen({ port: 0, host: '127.0.0.1' })
    t.after(() => app.close())
    const { port } = app.server.address() as AddressInfo
    const id = clientId('broken')

    for (let i = 0; i < 2; i++) {
      const raw = await RawClient.connect(port)
      const first = await exchange(raw, `/feed/ajax?after=0&client=${id}`)
      const second = await exchange(raw, `/feed/polling?after=0&client=${id}`)
      assert.deepEqual([first.status, second.status], [200, 200])
      assert.match(second.body, /"latest":0/)
      await raw.close()
    }
    const failures = lines.filter((line) => String(line.msg).startsWith('wire capture stopped'))
    assert.equal(failures.length, 1, 'one cause, logged once')
    assert.equal(failures[0]?.client, id)
    assert.match(String(failures[0]?.msg), /the tap no longer understands this socket/)
  })
})
