import assert from 'node:assert/strict'
import { test } from 'node:test'
import { delay, eventually, range, startServer } from '../helper.ts'
import { FaultProxy } from './fault-proxy.ts'
import { followerOf, resuming } from './resuming-clients.ts'

const cutsPerTechnique = 100

test('every technique that resumes by itself is followed through the cuts', () => {
  const unfollowed = resuming.filter((technique) => !followerOf(technique)).map(({ name }) => name)
  assert.deepEqual(
    unfollowed,
    [],
    'give each quick-recovery settings for its transport, or a line reader for its content type'
  )
})

/** `times` cuts, each after a random 50–250 ms, so they land at every phase of the traffic. */
async function cutRepeatedly(proxy: FaultProxy, times: number, technique: string): Promise<void> {
  for (let i = 0; i < times; i++) {
    await delay(50 + Math.random() * 200)
    // A cut waits at most a second for a write on its link; waiting longer means no connection came back.
    let stalled: NodeJS.Timeout | undefined
    const stall = new Promise<never>((_, reject) => {
      stalled = setTimeout(() => reject(new Error(`${technique}: no connection to cut 10 s after cut ${i}`)), 10_000)
    })
    const cut = proxy.cut()
    cut.catch(() => {}) // when the stall wins, the proxy's close rejects this cut later: it is already reported
    await Promise.race([cut, stall]).finally(() => clearTimeout(stalled))
  }
}

test(`no technique loses or duplicates an event through ${cutsPerTechnique} random cuts at 10 events/s`, {
  timeout: 60_000
}, async (t) => {
  const { app, url, port } = await startServer(t, { feedRate: 10, retryMs: 20 })
  // One that nothing here can follow fails the test above, by name; the others are cut all the same.
  const followed = resuming.flatMap((technique) => {
    const follow = followerOf(technique)
    return follow ? [{ technique: technique.name, follow }] : []
  })
  const runs = await Promise.all(
    followed.map(async ({ technique, follow }) => {
      const proxy = await FaultProxy.start(port)
      t.after(() => proxy.close())
      const client = follow(`http://127.0.0.1:${proxy.port}`)
      t.after(() => client.stop())
      return { technique, proxy, client }
    })
  )

  await Promise.all(runs.map(({ proxy, technique }) => cutRepeatedly(proxy, cutsPerTechnique, technique)))
  app.ticker.update({ paused: true })
  const latest = app.feed.latest
  // A client that lost the last events never gets there: the assertions below then show what is missing.
  // The check throws its own error: a bare failing assert.ok makes Node re-parse this file to describe the
  // expression, which under tsx takes long enough, 100 times a second, to starve the clients it waits for.
  const caughtUp = () => runs.every(({ client }) => client.ids.at(-1) === latest)
  await eventually(
    () => {
      if (!caughtUp()) throw new Error('a client does not have the latest id yet')
    },
    { timeoutMs: 5_000 }
  ).catch(() => {})

  const expected = range(1, latest)
  for (const { technique, proxy, client } of runs) {
    const distinct = new Set(client.ids)
    const lost = expected.filter((id) => !distinct.has(id)).length
    const duplicated = client.ids.length - distinct.size
    t.diagnostic(
      `${technique}: ${proxy.cutCount} cuts (${proxy.cuts['mid-message']} mid-message, ` +
        `${proxy.cuts['between-messages']} between messages), ${client.breaks} breaks noticed, ` +
        `${client.ids.length} events of ${latest}, ${lost} lost, ${duplicated} duplicated` +
        (client.problems.length > 0 ? `; problems: ${client.problems.join(', ')}` : '')
    )
  }
  for (const { technique, proxy, client } of runs) {
    assert.equal(proxy.cutCount, cutsPerTechnique, `${technique}: cuts`)
    assert.deepEqual(client.problems, [], `${technique}: problems`)
    assert.deepEqual(client.ids, expected, `${technique}: received ids`)
  }

  // The server is still well: every closed client unsubscribed, and a plain request is answered.
  for (const { client } of runs) client.stop()
  await eventually(() => assert.equal(app.feed.subscriberCount, 0))
  const response = await fetch(`${url}/feed/polling?after=${latest}`)
  assert.deepEqual(await response.json(), { events: [], latest })
})
