import assert from 'node:assert/strict'
import { type AddressInfo, connect } from 'node:net'
import type { TestContext } from 'node:test'
import { buildApp } from '../../../src/server/app.ts'
import type { CaptureItem, CaptureReport } from '../../../src/shared/capture.ts'
import type { TechniqueName } from '../../../src/shared/techniques.ts'
import { eventually, presenterToken, type TestServer } from '../../helper.ts'
import type { RawClient } from '../../raw-http.ts'
import { frame, opcodes } from '../../security/raw-websocket.ts'

/** `GET /wire/capture` for `client` (one technique, or all). */
export async function captureOf(server: TestServer, client: string, technique?: TechniqueName): Promise<CaptureReport> {
  const query = technique ? `client=${client}&technique=${technique}` : `client=${client}`
  const response = await fetch(`${server.url}/wire/capture?${query}`)
  assert.equal(response.status, 200)
  return (await response.json()) as CaptureReport
}

export function ofKind<Kind extends CaptureItem['kind']>(
  items: CaptureItem[],
  kind: Kind
): Extract<CaptureItem, { kind: Kind }>[] {
  return items.filter((item): item is Extract<CaptureItem, { kind: Kind }> => item.kind === kind)
}

/** Sends `text` and returns the response head exactly as received (up to the blank line), then reads the response. */
export async function exchangeRaw(
  raw: RawClient,
  text: string
): Promise<{ head: string; body: string; status: number }> {
  raw.send(text)
  const received = await raw.waitForText((pending) => pending.includes('\r\n\r\n'))
  const head = received.slice(0, received.indexOf('\r\n\r\n') + 4)
  const response = await raw.readResponse()
  return { head, body: response.body, status: response.status }
}

/**
 * Writes a WebSocket Upgrade request (`head`, ending in its blank line) and a masked ping frame
 * in ONE write on a bare socket, so the frame's bytes arrive right behind the head, and waits for
 * the pong. Returns the ping's JSON text.
 */
export async function upgradeWithPingBehind(
  t: TestContext,
  server: TestServer,
  head: string,
  pingT: number
): Promise<string> {
  const socket = connect({ port: server.port, host: '127.0.0.1' })
  t.after(() => socket.destroy())
  let received = ''
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1')
  })
  const ping = JSON.stringify({ type: 'ping', t: pingT })
  socket.write(Buffer.concat([Buffer.from(head), frame({ opcode: opcodes.text, payload: ping })]))
  await eventually(() => assert.ok(received.includes('"pong"'), received))
  return ping
}

/** A route of the `ajax` row that takes a body, added for these tests: no technique's own route takes one. */
export const uploadPath = '/test/ajax-upload'

/**
 * The app as `startServer` builds it, plus `POST /test/ajax-upload` declared on the `ajax` row: the
 * capture knows whose a request is only from its route, so a body it must stay in step with needs one.
 */
export async function startServerWithUpload(t: TestContext): Promise<TestServer> {
  const app = await buildApp({ feedRate: 0, presenterToken })
  app.post(uploadPath, { config: { wireRow: 'ajax' } }, async (request) => ({ received: String(request.body).length }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const { port } = app.server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  return { app, url, port, origin: url }
}
