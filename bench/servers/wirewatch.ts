// The real app, as `npm start` builds it (wire accounting and capture on, rate limits and the
// overload check on), in a process the bench drives over IPC (see `bench/protocol.ts`).
// WIRE_CAPTURE=0 turns the byte capture off, to measure what it costs. BENCH_HTTP2=1 serves it as
// `npm start -- --http2` does: HTTP/2 over TLS, HTTP/1.1 on the same port, a fresh self-signed certificate.
// REDIS_URL (and INSTANCE_NAME) make it one instance of a set sharing the feed through that Redis, as
// `cluster/` runs them: its ticker publishes through Redis (`app.publisher`) while it holds the ticker lease,
// and every event reaches its clients back through its follower. BENCH_PUBLISHES=0: an instance the bench
// never asks to publish (the set's other instances); the publishing one holds the lease before it says it listens.
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../../src/server/app.ts'
import { makeSelfSigned } from '../../src/server/tls.ts'
import type { ServerCommand, ServerReply } from '../protocol.ts'
import { PublishLag } from '../publish-schedule.ts'

// A steady ticker: it schedules by due time as the other servers' `PublishSchedule` does, so the lag below means
// the same for every server.
const tls = process.env.BENCH_HTTP2 === '1' ? await makeSelfSigned(['localhost'], ['127.0.0.1']) : undefined
const app = await buildApp({
  feedRate: 0,
  feedPattern: 'steady',
  wireCapture: process.env.WIRE_CAPTURE !== '0',
  ...(tls ? { http2: true, https: { key: tls.key, cert: tls.cert } } : {}),
  ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
  ...(process.env.INSTANCE_NAME ? { instanceName: process.env.INSTANCE_NAME } : {})
})
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
if (app.sharedFeed && process.env.BENCH_PUBLISHES !== '0') {
  for (let waited = 0; waited < 5_000 && !app.ticker.running; waited += 20) await sleep(20)
  if (!app.ticker.running) throw new Error('the publishing instance did not get the ticker lease within 5 s')
}
console.log(JSON.stringify({ port: (app.server.address() as AddressInfo).port }))

// How late each tick came against its due time, measured as for every bench server (`PublishLag`). The app's own
// ticker publishes; this listener, subscribed before any client, runs first in each publish's fan-out (through
// Redis: when the tick comes back to this instance, the way its clients get it).
let lag = new PublishLag(performance.now(), 0)
app.feed.subscribe(
  (event) => {
    if (event.kind === 'tick') lag.record()
  },
  (error) => console.error('the bench listener failed', error)
)

const reply = (message: ServerReply) => process.send?.(message)
process.on('message', async (command: ServerCommand) => {
  if (command.type === 'start') {
    lag = new PublishLag(performance.now(), command.rate > 0 ? 1000 / command.rate : 0)
    const firstId = app.feed.latest + 1
    app.ticker.update({ rate: command.rate, paused: false })
    reply({ type: 'started', firstId })
  } else if (command.type === 'stop') {
    app.ticker.update({ paused: true })
    // Through Redis a tick may still be on its way back: the last id is the last one this instance received.
    const store = app.sharedFeed?.store
    if (store) {
      await sleep(100)
      for (let waited = 0; waited < 1_000 && app.feed.latest < store.highestSeen; waited += 10) await sleep(10)
    }
    reply({ type: 'stopped', lastId: app.feed.latest, published: lag.published })
  } else {
    if (command.gc) globalThis.gc?.()
    const connections = await new Promise<number>((resolve) =>
      app.server.getConnections((_error, count) => resolve(count))
    )
    reply({
      type: 'stats',
      cpu: process.cpuUsage(),
      memory: process.memoryUsage(),
      connections,
      publishLagMs: lag.ms
    })
  }
})
process.on('disconnect', () => process.exit(0))
