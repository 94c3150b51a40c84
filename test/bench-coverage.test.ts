// The bench's tables against the declarations: a technique the bench should measure and cannot fails here,
// by name, instead of going unmeasured. Imports only the bench's tables: no server, no process.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { describe, test } from 'node:test'
import { engineIoTransportOf } from '../bench/engine-io-clients.ts'
import { peers, plan, rowServerOf } from '../bench/plan.ts'
import { bareServers, benchedTechniques, isBenched, loadClientOf } from '../bench/techniques.ts'
import { type Technique, techniques } from '../src/shared/techniques.ts'

const root = new URL('..', import.meta.url)

/** The traits a load client is chosen by, for a failure message. */
const traitsOf = ({ contentType, asking, streamed, upgrades }: Technique) =>
  [contentType, `asked ${asking}`, ...(streamed ? ['streamed'] : []), ...(upgrades ? ['upgrades'] : [])].join(', ')

describe('bench coverage', () => {
  test('every benched technique has a bare baseline and a load client', () => {
    const missing = benchedTechniques.flatMap((technique) => [
      ...(bareServers[technique.name] === undefined ? [`${technique.name}: no bare baseline`] : []),
      ...(loadClientOf(technique) === undefined
        ? [`${technique.name}: no load client reads it (${traitsOf(technique)})`]
        : [])
    ])
    assert.deepEqual(missing, [], 'see bareServers and loadClientOf in bench/techniques.ts')
  })

  test('every bare baseline is a file, for a benched technique', () => {
    for (const [name, file] of Object.entries(bareServers)) {
      assert.ok(existsSync(new URL(file, root)), `${name}: ${file} is missing`)
      assert.ok(
        benchedTechniques.some((technique) => technique.name === name),
        `${name} has a baseline, but is not benched`
      )
    }
  })

  test('the quick and the full plan measure every benched technique, on our server and on its baseline', () => {
    for (const full of [false, true]) {
      const cases = plan(full)
      const unmeasured = benchedTechniques.flatMap(({ name }) =>
        ['wirewatch', name]
          .filter((server) => !cases.some((one) => one.technique === name && one.server === server))
          .map((server) => `${name} on ${server}`)
      )
      assert.deepEqual(unmeasured, [], full ? 'the full plan' : 'the quick plan')
      const manual = cases.filter((one) => !isBenched(techniques[one.technique])).map((one) => one.technique)
      assert.deepEqual(manual, [], 'techniques that are not benched')
    }
  })

  test('each peer is a file, and stands beside bare on the techniques it serves, at the same numbers of clients', () => {
    for (const [name, peer] of Object.entries(peers)) {
      assert.ok(existsSync(new URL(peer.file, root)), `${name}: ${peer.file} is missing`)
      for (const full of [false, true])
        for (const technique of peer.techniques) {
          const clientsOn = (server: string) =>
            plan(full)
              .filter((one) => one.technique === technique && one.server === server && one.variant === undefined)
              .map((one) => one.clients)
          assert.ok(clientsOn(name).length > 0, `${technique} on ${name}`)
          assert.deepEqual(clientsOn(name), clientsOn(technique), `${technique}: ${name} beside bare`)
        }
    }
  })

  test("Socket.IO's load clients have an Engine.IO transport beside each technique it serves", () => {
    const transports = peers['socket.io'].techniques.map((name) => [name, engineIoTransportOf(techniques[name])])
    assert.deepEqual(transports, [
      ['websocket', 'websocket'],
      ['long-polling', 'polling']
    ])
  })

  test('a row names its server as ours, bare or the peer (what --server picks)', () => {
    assert.equal(rowServerOf('wirewatch, http2'), 'wirewatch')
    assert.equal(rowServerOf('sse'), 'bare')
    assert.equal(rowServerOf('socket.io'), 'socket.io')
    assert.equal(rowServerOf('better-sse'), 'better-sse')
  })
})
