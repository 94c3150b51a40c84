import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { type Cluster, startCluster } from '../../cluster/cluster.ts'
import { nginxInstalled } from '../../cluster/nginx-process.ts'
import { redisInstalled } from '../../cluster/redis-process.ts'
import type { FeedPage } from '../../src/shared/feed-event.ts'
import { delay, eventually, range } from '../helper.ts'
import { followerOf, type ResumingClient, resuming } from '../reliability/resuming-clients.ts'

const skip = !nginxInstalled || !redisInstalled ? 'nginx and redis-server are needed (scripts/prepare-test.sh)' : false

/** A cluster at 10 events/s, stopped when the test ends. */
async function cluster(t: TestContext): Promise<Cluster> {
  const started = await startCluster({ feedRate: 10 })
  t.after(() => started.stop())
  return started
}

/** Every resuming technique followed through the balancer, as a page's transport follows it. */
function followAll(t: TestContext, url: string) {
  return resuming.map((technique) => {
    const follow = followerOf(technique)
    assert.ok(follow, `${technique.name} can be followed`)
    const client: ResumingClient = follow(url.replace(/\/$/, ''))
    t.after(() => client.stop())
    return { technique: technique.name, client }
  })
}

async function pauseTicker(cluster: Cluster, through: string): Promise<number> {
  const response = await fetch(`${through}/feed/ticker`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${cluster.presenterToken}` },
    body: JSON.stringify({ paused: true })
  })
  assert.equal(response.status, 200, await response.text())
  // Settings travel to the ticking instance through Redis; an event already on its way still lands.
  await delay(500)
  return ((await (await fetch(`${through}/feed/polling`)).json()) as FeedPage).latest
}

/** Waits until every client holds `latest`, then checks each got exactly the feed's ids: 0 lost, 0 duplicated, no reset. */
async function assertExactlyTheFeed(t: TestContext, runs: ReturnType<typeof followAll>, latest: number) {
  await eventually(
    () => {
      if (!runs.every(({ client }) => client.ids.at(-1) === latest)) throw new Error('a client lacks the latest id')
    },
    { timeoutMs: 10_000, everyMs: 100 }
  ).catch(() => {})
  for (const { technique, client } of runs) {
    const distinct = new Set(client.ids)
    t.diagnostic(
      `${technique}: ${client.ids.length} events of ${latest}, ${client.breaks} breaks, ` +
        `${range(1, latest).filter((id) => !distinct.has(id)).length} lost, ${client.ids.length - distinct.size} duplicated`
    )
  }
  for (const { technique, client } of runs) {
    assert.deepEqual(client.problems, [], `${technique}: problems`)
    assert.deepEqual(client.ids, range(1, latest), `${technique}: received ids`)
  }
}

describe('two instances behind nginx on one Redis: faults lose nothing', { skip }, () => {
  test('the instance an SSE stream is on killed (SIGKILL) mid-class: every resuming technique ends with exactly the feed ids', {
    timeout: 60_000
  }, async (t) => {
    const set = await cluster(t)
    const runs = followAll(t, set.url)
    await delay(2000)
    // Kill the instance the SSE stream is on (as the page learns it: the stream's first block names it).
    const sse = runs.find((run) => run.technique === 'sse')?.client
    const victim = set.instances.find((instance) => instance.name === sse?.instance)
    const survivor = set.instances.find((instance) => instance !== victim)
    assert.ok(victim && survivor, `the SSE client names its instance (${sse?.instance})`)
    const atKill = ((await (await fetch(`${survivor.url}feed/polling`)).json()) as FeedPage).latest
    await victim.kill('SIGKILL')
    // The lease runs out (3 s) and b ticks; every client reconnects through the balancer to b.
    await delay(5000)
    const latest = await pauseTicker(set, survivor.url.replace(/\/$/, ''))
    assert.ok(latest > atKill + 3, `the feed went on after the kill: ${atKill} then ${latest}`)
    await assertExactlyTheFeed(t, runs, latest)
    // The pull techniques hop between a and b on every request; the SSE stream was cut, and resumed on the other.
    assert.ok((sse?.breaks ?? 0) > 0, 'the SSE stream was cut by the kill')
    assert.equal(sse?.instance, survivor.name)
  })

  test('Redis restarted: publishing answers 503 meanwhile, then every technique catches up with nothing lost', {
    timeout: 60_000
  }, async (t) => {
    const set = await cluster(t)
    const runs = followAll(t, set.url)
    await delay(2000)
    await set.redis.stop()
    const refused = await fetch(`${set.url}feed/messages?client=page1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'while Redis is away' })
    })
    assert.equal(refused.status, 503)
    assert.equal(((await refused.json()) as { code: string }).code, 'WW_ERR_FEED_STORE')
    await delay(1000)
    await set.redis.restart()
    await delay(4000)
    const latest = await pauseTicker(set, set.url.replace(/\/$/, ''))
    assert.ok(latest > 40, `the feed went on after the restart: ${latest} events`)
    await assertExactlyTheFeed(t, runs, latest)
  })
})
