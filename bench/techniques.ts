// Which techniques the bench measures, and how it reads them, asked of their declared traits
// (src/shared/techniques.ts): a new technique is benched with no line here, or test/bench-coverage.test.ts
// fails naming what the bench lacks for it. Cheap to import: no server, no process.
import { allTechniques, type Technique, type TechniqueName, techniques } from '../src/shared/techniques.ts'

/**
 * Every technique but the manual ones (asking `by hand`): their traffic is a person's clicks, which no number of
 * clients at 20 events/s describes.
 */
export function isBenched(technique: Technique): boolean {
  return technique.asking !== 'by hand'
}

/** The techniques the bench measures, in the order they appeared on the web. */
export const benchedTechniques: readonly Technique[] = allTechniques.filter(isBenched)

/**
 * Each benched technique's bare baseline: the smallest plain `node:http` server with the same wire (see
 * `bench/protocol.ts`). Each is written by hand for its technique, so they are listed by name.
 */
export const bareServers: Partial<Record<TechniqueName, string>> = {
  polling: 'bench/baselines/json-get.ts',
  'long-polling': 'bench/baselines/long-poll.ts',
  sse: 'bench/baselines/sse-broadcast.ts',
  websocket: 'bench/baselines/ws-broadcast.ts',
  'fetch-stream': 'bench/baselines/ndjson-stream.ts',
  'iframe-stream': 'bench/baselines/forever-frame.ts'
}

/**
 * The techniques measured over HTTP/2 against HTTP/1.1: one of each way of asking that HTTP/2 carries as
 * streams (a poll on a timer, a held poll, a response that never ends; fetch-stream and iframe-stream are read
 * as SSE is). A WebSocket upgrades over HTTP/1.1 even on the `--http2` server (no RFC 8441), so its HTTP/2 row
 * would be its HTTP/1.1 row.
 */
export const techniquesOverHttp2: readonly Technique[] = (['polling', 'long-polling', 'sse'] as const).map(
  (name) => techniques[name]
)

/** The three kinds of client in `bench/load-clients.ts`. */
export type LoadClient = 'websocket' | 'stream' | 'poller'

/**
 * The never-ending answers whose every event is its JSON as text: an SSE `data:` line, an NDJSON line, a forever
 * frame's script. (The load clients find events by scanning for `"id":<n>,"at":<ms>`, and parse nothing else.)
 */
const scannedStreams: readonly string[] = ['text/event-stream', 'application/x-ndjson', 'text/html']

/**
 * How the load clients read a technique, from its traits: JSON text frames after an upgrade (the one upgrade a
 * browser can make is to WebSocket), a response that never ends, or a JSON page per request on a kept-alive
 * connection for one that asks again by itself. Undefined: no load client reads it.
 */
export function loadClientOf({ upgrades, streamed, asking, contentType }: Technique): LoadClient | undefined {
  if (upgrades) return contentType === 'application/json' ? 'websocket' : undefined
  if (streamed) return scannedStreams.includes(contentType) ? 'stream' : undefined
  const asksAgain = asking === 'on a timer' || asking === 'again at once'
  return asksAgain && contentType === 'application/json' ? 'poller' : undefined
}
