import type { ChildProcess, Serializable } from 'node:child_process'
import type { TechniqueName } from '../src/shared/techniques.ts'

// What the bench's processes say to each other. Every server the bench measures (ours in
// `bench/servers/wirewatch.ts`, the bare ones in `bench/baselines/`, the peer libraries in `bench/peers/`)
// is a child process that answers the same IPC messages, and all but Socket.IO speak the same wire
// format as wirewatch, so one load generator and one table serve them all.
//
// Wire format every bench server speaks (the bare ones copy wirewatch's):
//   event JSON   {"id":<n>,"at":<epoch ms at publish>,"kind":"tick","data":{"value":<number>}}
//   WebSocket    GET /feed/websocket?after=<id>   text frames {"type":"event","event":<event JSON>}
//   SSE          GET /feed/sse?after=<id>         blocks "id: <n>\ndata: <event JSON>\n\n"
//   long poll    GET /feed/long-polling?after=<id>   200 {"events":[…],"latest":<n>} at once when
//                events after the cursor exist, else held until one is published (204 after 25 s)
//   polling      GET /feed/polling?after=<id>     200 {"events":[…],"latest":<n>} at once
//   fetch-stream GET /feed/fetch-stream?after=<id>   application/x-ndjson: "<event JSON>\n" per event
//   iframe-stream GET /feed/iframe-stream?after=<id>   text/html with a per-response nonce and CSP:
//                "<script nonce=…>parent.postMessage(<event JSON>, location.origin)</script>\n"
//                per event, and the same with {"alive":true} every 5 s
// The peers' wire:
//   better-sse   GET /feed/sse?after=<id>         its own spelling of the same blocks:
//                "event:message\nid:<n>\ndata:<event JSON>\n\n", a "retry:2000" first, ":" every 10 s
//   Socket.IO    GET /socket.io/?EIO=4&transport=websocket   Engine.IO v4 text frames, each event
//                42["event",<event JSON>]; or transport=polling: held GETs (packets joined by \x1e) and
//                POSTs for what the client sends. No cursor: a client gets what is published after it
//                connects (`bench/engine-io-clients.ts`).
// A server process prints one line `{"port":<n>}` on stdout once it listens (PORT=0: a free
// port), publishes nothing until told to start, and never exits on its own.

/**
 * How load clients reach a server: HTTP/1.1 on plain TCP (every row but the HTTP/2 ones), HTTP/1.1 over TLS
 * (`tls.connect`, ALPN `http/1.1`), or HTTP/2 over TLS (a `node:http2` session per client).
 */
export type LoadProtocol = 'http1' | 'http1-tls' | 'http2'

/** Parent → server process. */
export type ServerCommand =
  /** Publish `rate` events per second from now on (0: none, an idle feed); answered with `started`. */
  | { type: 'start'; rate: number }
  /** Stop publishing; answered with `stopped`. */
  | { type: 'stop' }
  /** Answered with `stats`; `gc` first collects garbage (the process runs with --expose-gc) so memory is what is live. */
  | { type: 'stats'; gc?: boolean }

/** Server process → parent. */
export type ServerReply =
  /** `firstId`: the id the next published event gets. */
  | { type: 'started'; firstId: number }
  /** `lastId`: the id of the last event published. `published`: events since `start`. */
  | { type: 'stopped'; lastId: number; published: number }
  | {
      type: 'stats'
      cpu: NodeJS.CpuUsage
      memory: NodeJS.MemoryUsage
      /** Open TCP connections (server.getConnections). */
      connections: number
      /**
       * How late each publish since `start` fired against its due time (the k-th at start + k × interval),
       * ms, the same way on every server (`PublishLag` in bench/publish-schedule.ts).
       */
      publishLagMs: { mean: number; max: number }
    }

/** One line of the bench table: one server, one technique, one number of clients. */
export interface BenchRow {
  /** One of the benched techniques (`benchedTechniques` in bench/techniques.ts). */
  technique: TechniqueName
  /**
   * `wirewatch` is the real app; `bare` the baseline in `bench/baselines/`; `socket.io` and `better-sse` the
   * libraries people would pick instead (`bench/peers/`), with the same fields as a bare row.
   */
  server: 'wirewatch' | 'bare' | 'socket.io' | 'better-sse'
  /** What differs from the plain row, e.g. `capture off`, `max req/s`; rows compare within one variant. */
  variant?: string
  clients: number
  /** Length of the measured window. */
  seconds: number
  /** Delivery latency: receive time in the load process minus the event's `at` (one machine, one clock). */
  latencyMs: { p50: number; p99: number; max: number }
  /** Event deliveries counted by the clients inside the window, and clients × events published in it. */
  delivered: number
  expected: number
  /** Events the server published per second in the window (the target rate when it keeps up). */
  publishedPerSecond: number
  /** The rate the server was asked to publish at, events/s (0: an idle feed). */
  askedPerSecond: number
  /**
   * Server process CPU over the window divided by deliveries, microseconds; on a `cpuPerRequest` row,
   * divided by requests answered instead.
   */
  serverCpuUsPerDelivery: { user: number; system: number }
  /** The requests/s rows (`max req/s`: clients ask again at once): requests, not events, are the work, so CPU is per request. */
  cpuPerRequest?: true
  /** (RSS, heap used) with the clients connected minus before they connected, per connection, KiB. */
  rssKiBPerConnection: number
  heapKiBPerConnection: number
  /** Bytes the server wrote per delivered event, from wirewatch's own `/wire` accounting (absent for bare servers). */
  wireBytesPerDelivery?: number
  /** The load generator processes' own CPU over the window, as % of one core (user + system). */
  loadCpuPercent: number
  /** Server process CPU (user + system) over the window, % of one core. */
  serverCpuPercent?: number
  /** Pages holding `/wire/live` open next to the clients (the live channel's row). */
  livePages?: number
  /** Polling rows: requests answered per second. */
  requestsPerSecond?: number
  /** How late the server's publishes fired against their due times, ms, over the events since the row's start (see `ServerReply`). */
  publishLagMs?: { mean: number; max: number }
  /** Window events the clients missed (a cursor jumped) and saw twice, and socket or stream errors, over all clients. */
  gaps?: number
  duplicates?: number
  errors?: number
  /** The HTTP/2 comparison's rows: how the clients spoke (HTTP/1.1 plain or over TLS, HTTP/2), and what `/wire` counted. */
  protocol?: LoadProtocol
  /**
   * Bytes in + out of the technique's row per event it delivered, from `/wire` at the window's ends: on the
   * HTTP/2 server, what HTTP put inside TLS (HTTP/2: its frames, 9-byte headers included).
   */
  rowBytesPerDelivery?: number
  /** The `connection` row's bytes in + out in the window, per event: TLS's own bytes, and over HTTP/2 stream 0's frames. */
  connectionBytesPerDelivery?: number
  /**
   * The Redis rows (issue 23): instance processes sharing the feed through one Redis, and that Redis's own CPU
   * in the window (also counted in `serverCpuUsPerDelivery` and `serverCpuPercent`, with every instance's).
   */
  backplane?: {
    instances: number
    /** Redis's CPU (user + system, from /proc) ÷ events published in the window, µs. */
    redisCpuUsPerEvent: number
    /** Redis's CPU over the window, % of one core. */
    redisCpuPercent: number
    /** Redis's CPU over a second before the window, the clients connected and nothing published, % of one core. */
    redisIdleCpuPercent: number
  }
}

/** Sends one command to a child process and waits for its reply of the given type. */
export function ask<R extends { type: string }>(
  child: ChildProcess,
  command: unknown,
  replyType: R['type']
): Promise<R> {
  return new Promise((resolve) => {
    const listen = (message: R) => {
      if (message?.type !== replyType) return
      child.off('message', listen)
      resolve(message)
    }
    child.on('message', listen)
    child.send(command as Serializable)
  })
}
