import assert from 'node:assert/strict'
import { describe, type TestContext, test } from 'node:test'
import { techniqueClients } from '../../src/client/techniques/index.ts'
import type { ClientListener, ClientState, Transport } from '../../src/client/techniques/transport.ts'
import type { FeedEvent } from '../../src/shared/feed-event.ts'
import { type TechniqueName, techniqueNames, techniques } from '../../src/shared/techniques.ts'
import type { WireReport } from '../../src/shared/wire-stats.ts'
import { clientId, delay, eventually, publishTicks, range, startServer } from '../helper.ts'
import { nodeIo } from '../node-io.ts'

/** The transports that need no document (a reloaded page and a forever frame do): they run in Node as in a page. */
const headless = techniqueNames.filter((name) => techniques[name].contentType !== 'text/html')

/** What a listener heard: every event handed over, every state, every empty answer. */
class Heard implements ClientListener {
  readonly events: FeedEvent[] = []
  readonly states: ClientState[] = []
  empties = 0
  resets = 0
  received(events: FeedEvent[]): void {
    this.events.push(...events)
  }
  emptyAnswer(): void {
    this.empties++
  }
  reset(): void {
    this.resets++
  }
  state(state: ClientState): void {
    this.states.push(state)
  }
  get ids(): number[] {
    return this.events.map((event) => event.id)
  }
}

async function wireOf(url: string, client: string): Promise<WireReport> {
  return (await fetch(`${url}/wire?client=${client}`)).json() as Promise<WireReport>
}

function startTransport(t: TestContext, name: TechniqueName, url: string, settings: object = {}) {
  const heard = new Heard()
  const client = clientId(name)
  const transport: Transport = techniqueClients[name].create({ clientId: client, listener: heard, io: nodeIo(url) })
  Object.assign(transport.settings, settings)
  t.after(() => transport.stop())
  transport.start()
  return { heard, client, transport }
}

describe('the page’s transports, run in Node with fetch, eventsource and ws', () => {
  for (const name of headless)
    test(`${name}: receives the backlog and every new event once, then stop ends its traffic`, async (t) => {
      const { app, url } = await startServer(t)
      publishTicks(app, 3)
      const { heard, client, transport } = startTransport(t, name, url, { intervalMs: 250 })
      transport.fetchNow?.() // the manual technique asks only when told to
      await eventually(() => assert.deepEqual(heard.ids, [1, 2, 3]), { timeoutMs: 3_000 })
      publishTicks(app, 2)
      transport.fetchNow?.()
      await eventually(() => assert.deepEqual(heard.ids, range(1, 5)), { timeoutMs: 3_000 })
      assert.equal(heard.resets, 0)

      transport.stop()
      assert.equal(heard.states.at(-1), 'closed')
      await eventually(async () => assert.equal((await wireOf(url, client)).techniques[name].openConnections, 0), {
        timeoutMs: 3_000
      })
      const before = (await wireOf(url, client)).techniques[name].requests
      publishTicks(app, 2)
      await delay(600)
      assert.equal((await wireOf(url, client)).techniques[name].requests, before, 'no request after stop')
      assert.deepEqual(heard.ids, range(1, 5), 'nothing received after stop')
    })

  test('polling reads its settings at each poll: keep-alive off opens a TCP connection per poll', async (t) => {
    const { url } = await startServer(t)
    const { heard, client, transport } = startTransport(t, 'polling', url, { intervalMs: 250, keepalive: false })
    await eventually(() => assert.ok(heard.empties >= 3, 'three empty answers'), { timeoutMs: 3_000 })
    transport.stop()
    await delay(100)
    const { requests, connectionsOpened } = (await wireOf(url, client)).techniques.polling
    assert.equal(connectionsOpened, requests)
  })

  test('the WebSocket transport sends chat on its own socket and measures a ping’s round trip', async (t) => {
    const { app, url } = await startServer(t)
    const { heard, transport } = startTransport(t, 'websocket', url)
    const ws = transport as Transport & { roundTripMs?: number; ping(): void }
    await eventually(() => assert.equal(heard.states.at(-1), 'open'), { timeoutMs: 3_000 })
    ws.ping()
    await eventually(() => assert.ok(ws.roundTripMs !== undefined && ws.roundTripMs >= 0, 'a round trip measured'), {
      timeoutMs: 3_000
    })
    assert.equal(transport.send?.({ type: 'chat', text: 'hello from Node', name: 'Ada' }), true)
    await eventually(() => assert.equal(heard.events.at(-1)?.kind, 'chat'), { timeoutMs: 3_000 })
    assert.equal(app.feed.latest, 1)
  })
})
