import assert from 'node:assert/strict'
import type { CaptureItem, CaptureReport } from '../../src/shared/capture.ts'
import type { TechniqueName } from '../../src/shared/techniques.ts'
import type { TestServer } from '../helper.ts'
import type { RawClient } from '../raw-http.ts'

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
