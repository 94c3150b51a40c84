import type { FeedEvent } from '../../shared/feed-event.ts'
import type { Feed } from './feed.ts'
import type { FeedPublisher } from './feed-types.ts'
import type { Following, RedisFeedLog } from './redis-feed-log.ts'

/** How often the store is asked its time, and how long an answer may take before it counts as unreachable. */
const healthEveryMs = 1000
const healthTimeoutMs = 2000

export interface SharedFeedOptions {
  /** Told of store errors and gaps, for the server log. */
  log?: { warn(details: object, message: string): void }
}

/**
 * One instance's side of the feed shared through Redis. Publishing goes to the store, which
 * numbers the event; every event, this instance's own too, comes back through one follower
 * (a blocking XREAD from the last id held) into the local `Feed`, so every technique reads the
 * local feed as before. Nothing is published while the store is unreachable: `publish` rejects
 * (the routes answer 503) and pages are told the feed is paused.
 */
export class SharedFeed implements FeedPublisher {
  readonly feed: Feed
  readonly store: RedisFeedLog
  #following: Following | undefined
  #reachable = false
  #health: NodeJS.Timeout | undefined
  #listeners = new Set<(reachable: boolean) => void>()
  #log: SharedFeedOptions['log']
  #stopped = false
  /** Redis's clock minus this machine's, from the quickest of the last few samples (their error is half the round trip). */
  #offsets: { offsetMs: number; roundTripMs: number }[] = []

  constructor(feed: Feed, store: RedisFeedLog, { log }: SharedFeedOptions = {}) {
    this.feed = feed
    this.store = store
    this.#log = log
  }

  /**
   * Connects (waiting up to `waitMs`; an instance started while Redis is away starts anyway,
   * paused, and joins when Redis answers) and follows the stream from its start: the events it
   * still holds fill the local history, so a page that hops here resumes from its cursor.
   */
  async start({ waitMs = 3000 } = {}): Promise<void> {
    try {
      await this.store.connect({ waitMs })
    } catch (error) {
      this.#log?.warn({ error: (error as Error).message }, 'shared feed store unreachable at start: the feed is paused')
    }
    this.#following = this.store.follow(this.feed.latest, (event) => this.feed.accept(event), {
      onGap: (first, last) => {
        // Before this instance's time (it starts from the stream's oldest) is no loss to anyone.
        if (this.feed.latest > 0)
          this.#log?.warn({ first, last }, 'shared feed: events lost before this instance read them')
      },
      onError: (error) => this.#log?.warn({ error: error.message }, 'shared feed follower')
    })
    this.#checkHealth()
  }

  /** Numbers and stores the event in Redis; it reaches the local feed (and every other instance) through the followers. */
  publish(kind: FeedEvent['kind'], data: FeedEvent['data']): Promise<FeedEvent> {
    return this.store.append(kind, data, Math.max(this.feed.latest, this.store.highestSeen))
  }

  /**
   * Now on the feed's clock (Redis's, which stamps every event's `at`), epoch ms: what pages sample to turn
   * `at` into their own clock, so latencies measured through different instances agree.
   */
  now(): number {
    const best = this.#offsets.reduce<{ offsetMs: number; roundTripMs: number } | undefined>(
      (quickest, sample) => (quickest && quickest.roundTripMs <= sample.roundTripMs ? quickest : sample),
      undefined
    )
    return Date.now() + (best?.offsetMs ?? 0)
  }

  /** Whether the store answered its last health check. */
  get reachable(): boolean {
    return this.#reachable
  }

  /** Calls `listener` whenever the store becomes reachable or unreachable; returns the function that stops it. */
  onReachability(listener: (reachable: boolean) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#health)
    this.#health = undefined
    await this.#following?.stop()
    await this.store.close()
  }

  #checkHealth(): void {
    const sentAt = Date.now()
    this.store
      .time(healthTimeoutMs)
      .then(
        (redisNow) => {
          const receivedAt = Date.now()
          const sample = { offsetMs: redisNow - (sentAt + receivedAt) / 2, roundTripMs: receivedAt - sentAt }
          this.#offsets = [...this.#offsets.slice(-9), sample]
          this.#setReachable(true)
        },
        () => this.#setReachable(false)
      )
      .finally(() => {
        if (this.#stopped) return
        this.#health = setTimeout(() => this.#checkHealth(), healthEveryMs)
        this.#health.unref()
      })
  }

  #setReachable(reachable: boolean): void {
    if (reachable === this.#reachable) return
    this.#reachable = reachable
    if (!reachable) this.#log?.warn({}, 'shared feed store unreachable: the feed is paused')
    for (const listener of this.#listeners) listener(reachable)
  }
}
