import type { FeedEvent, FeedPage } from '../../shared/feed-event.ts'
import { limits } from '../../shared/feed-event.ts'
import { FanOut, tellFailed } from './fan-out.ts'
import type { Catchup, Deliver, DeliveryFailed, FeedListener } from './feed-types.ts'

export type { Catchup, Deliver, DeliveryFailed, FeedListener } from './feed-types.ts'

interface Subscriber {
  listener: FeedListener
  failed: DeliveryFailed
}

/**
 * The one sequenced feed every technique reads.
 * Ids rise by one per event, so the kept history is a ring buffer indexed by id
 * and `since(cursor)` is a slice, never a search.
 */
export class Feed {
  readonly capacity: number
  #ring: FeedEvent[] = []
  #latest = 0
  /** Id just before the first event kept: 0, or where the feed restarted after a gap (see `accept`). */
  #base = 0
  /** Who waits for an id this feed has not received yet (see `reaches`). */
  #waiting = new Set<{ id: number; arrived: () => void }>()
  #subscribers = new Set<Subscriber>()
  #fanOut = new FanOut(this)
  #clock: () => number

  constructor({ capacity = 1000, clock = Date.now }: { capacity?: number; clock?: () => number } = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('feed capacity must be a positive integer')
    this.capacity = capacity
    this.#clock = clock
  }

  /** Id of the newest event, 0 before the first. */
  get latest(): number {
    return this.#latest
  }

  /** Id of the oldest event still kept, or `latest + 1` when empty. */
  get oldest(): number {
    return this.#latest - this.#keptCount() + 1
  }

  /** Appends an event, stamps it with the next id and the server clock, and tells every subscriber. */
  publish(kind: FeedEvent['kind'], data: FeedEvent['data']): FeedEvent {
    const event: FeedEvent = { id: this.#latest + 1, at: this.#clock(), kind, data }
    this.accept(event)
    return event
  }

  /**
   * Appends an event numbered elsewhere (the shared store), and tells every subscriber. An id
   * already held is ignored; an id past `latest + 1` means the events between were lost (trimmed
   * or lost by the store before this instance read them): the history restarts at it, so a cursor
   * in the hole is answered with the reset signal, never silently skipped.
   */
  accept(event: FeedEvent): void {
    if (event.id <= this.#latest) return
    if (event.id > this.#latest + 1) this.#base = event.id - 1
    this.#latest = event.id
    this.#ring[(event.id - 1) % this.capacity] = event
    for (const subscriber of this.#subscribers) {
      // A subscriber that throws loses its subscription and closes its own connection; the others still get the event.
      try {
        subscriber.listener(event)
      } catch (error) {
        this.#subscribers.delete(subscriber)
        tellFailed(subscriber.failed, error)
      }
    }
    this.#fanOut.published()
    for (const waiter of this.#waiting) if (waiter.id <= event.id) waiter.arrived()
  }

  /**
   * Resolves true once the feed holds `id`, or false after `waitMs`. Behind a load balancer a page
   * may ask one instance with a cursor another instance gave it a moment ago: the event is on its
   * way through the shared store, so the answer waits for it instead of calling the cursor a reset.
   */
  reaches(id: number, waitMs: number): Promise<boolean> {
    if (id <= this.#latest) return Promise.resolve(true)
    return new Promise((resolve) => {
      const waiter = {
        id,
        arrived: () => {
          clearTimeout(timer)
          this.#waiting.delete(waiter)
          resolve(true)
        }
      }
      const timer = setTimeout(() => {
        this.#waiting.delete(waiter)
        resolve(false)
      }, waitMs)
      this.#waiting.add(waiter)
    })
  }

  /**
   * Events with id > cursor, in order. Without a cursor: the last few, as a starting view.
   * A cursor older than the kept history, or ahead of the feed (the server restarted),
   * gets what is kept plus `reset: true`, so a gap is never silent.
   */
  since(cursor?: number): Catchup {
    const oldest = this.oldest
    if (cursor === undefined)
      return { events: this.#slice(Math.max(oldest, this.#latest - limits.backlog + 1)), reset: false }
    if (cursor > this.#latest) return { events: this.#slice(oldest), reset: true }
    if (cursor < oldest - 1) return { events: this.#slice(oldest), reset: true }
    return { events: this.#slice(cursor + 1), reset: false }
  }

  /** The answer of a pull technique for this cursor. */
  page(cursor?: number): FeedPage {
    const { events, reset } = this.since(cursor)
    return reset ? { events, latest: this.#latest, reset: true } : { events, latest: this.#latest }
  }

  /** The newest `count` events, newest last. */
  recent(count: number): FeedEvent[] {
    return this.#slice(Math.max(this.oldest, this.#latest - count + 1))
  }

  /**
   * Calls `listener` for every event published from now on; returns the unsubscribe function.
   * Should `listener` throw, it is unsubscribed and `failed` gets the error (to close its connection).
   */
  subscribe(listener: FeedListener, failed: DeliveryFailed): () => void {
    const subscriber = { listener, failed }
    this.#subscribers.add(subscriber)
    return () => this.#subscribers.delete(subscriber)
  }

  /**
   * For push connections (streamed responses, WebSockets): `deliver` gets every event after
   * `cursor`, in order and once, batched when the server falls behind (see `FanOut`). Should
   * `deliver` throw, the connection leaves and `failed` gets the error. Returns the function that leaves.
   */
  join(cursor: number, deliver: Deliver, failed: DeliveryFailed): () => void {
    return this.#fanOut.join(cursor, deliver, failed)
  }

  /** Listeners and push connections attached: lets tests prove a closed connection let go. */
  get subscriberCount(): number {
    return this.#subscribers.size + this.#fanOut.memberCount
  }

  #keptCount(): number {
    return Math.min(this.#latest - this.#base, this.capacity)
  }

  #slice(fromId: number): FeedEvent[] {
    const events: FeedEvent[] = []
    for (let id = fromId; id <= this.#latest; id++) {
      const event = this.#ring[(id - 1) % this.capacity]
      if (event) events.push(event)
    }
    return events
  }
}
