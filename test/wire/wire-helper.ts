import assert from 'node:assert/strict'
import { type TechniqueName, techniqueNames } from '../../src/shared/techniques.ts'
import { emptyCounters, type WireCounters, type WireReport } from '../../src/shared/wire-stats.ts'
import { eventually, type TestServer, wireOf } from '../helper.ts'
import type { RawClient } from '../raw-http.ts'

/** What one client saw on its own sockets, to compare with what the server counted. */
export interface Tally {
  bytesIn: number
  bytesOut: number
}

/** Sends one request on `client` and returns the exact bytes it wrote and read for it. */
export async function exchange(client: RawClient, path: string): Promise<Tally & { status: number; body: string }> {
  const text = client.get(path)
  const response = await client.request(text)
  return { bytesIn: Buffer.byteLength(text), bytesOut: response.bytes, status: response.status, body: response.body }
}

export function counters(values: Partial<WireCounters>): WireCounters {
  return { ...emptyCounters(), ...values }
}

/** Waits until the server's report for `client` has `row` exactly as expected (a closing socket lands a moment later). */
export function expectRow(
  server: TestServer,
  client: string,
  row: TechniqueName,
  expected: WireCounters
): Promise<WireReport> {
  return eventually(async () => {
    const report = await wireOf(server, client)
    assert.deepEqual(report.techniques[row], expected, `${row} row of ${client}`)
    return report
  })
}

export function assertOtherTechniquesEmpty(report: WireReport, ...used: TechniqueName[]): void {
  for (const name of techniqueNames) {
    if (!used.includes(name)) assert.deepEqual(report.techniques[name], emptyCounters(), `${name} row is empty`)
  }
  assert.deepEqual(report.other.messages, emptyCounters(), 'messages row is empty')
}
