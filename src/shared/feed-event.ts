/** One entry of the live feed. Ids rise by exactly one per event, so a cursor is just the last id seen. */
export interface FeedEvent {
  /** Sequence number: 1, 2, 3, … with no gaps. */
  id: number
  /** Server clock when the event was published, epoch milliseconds. */
  at: number
  /**
   * `tick` events come from the server's generator, `chat` from people, `progress` from a server
   * job (the progress-bar use case), `board` from the shared game board (the game use case).
   */
  kind: FeedEventKind
  /**
   * `tick`: `{ value }`, a random walk to have something to show. `chat`: `{ text, name? }`.
   * `progress`: `{ job, percent, done, key? }`, `key` being the random key the job's page sent
   * with `POST /jobs` (so the page knows its job's events before the POST's answer). `board`: `{ players: [{ id, name, x, y }] }`.
   */
  data: Record<string, unknown>
}

export type FeedEventKind = 'tick' | 'chat' | 'progress' | 'board'

/** An event as one line of text for people. Always shown as text, never as HTML. */
export function contentOf(event: FeedEvent): string {
  const { data } = event
  switch (event.kind) {
    case 'chat':
      return data.name ? `${String(data.name)}: ${String(data.text)}` : String(data.text)
    case 'progress':
      return `job ${String(data.job)}: ${String(data.percent)} %${data.done ? ' (done)' : ''}`
    case 'board':
      return `game board: ${Array.isArray(data.players) ? data.players.length : 0} players`
    default:
      return `value ${String(data.value)}`
  }
}

/** Answer of every pull technique (ajax, polling, long-polling). */
export interface FeedPage {
  events: FeedEvent[]
  /** Newest id the feed holds; the next cursor when `events` is empty. */
  latest: number
  /** Present and true when the cursor fell out of the kept history: the client missed events. */
  reset?: true
}

/** Bounds every client and the server agree on. */
export const limits = {
  chatTextMax: 280,
  chatNameMax: 24,
  feedRateMax: 50,
  pollIntervalMinMs: 250,
  pollIntervalMaxMs: 10_000,
  longPollDefaultMs: 25_000,
  /** Below the 60 s read timeout of common proxies (nginx's default), so a held poll is never cut with a 504. */
  longPollMaxMs: 55_000,
  websocketMaxPayload: 4 * 1024,
  /** Events handed to a client that arrives without a cursor. */
  backlog: 10
} as const
