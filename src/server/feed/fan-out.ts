import type { FeedEvent } from '../../shared/feed-event.ts'
import type { Catchup, Deliver, DeliveryFailed } from './feed-types.ts'

/** What a fan-out reads: the feed's newest id and the events after a cursor. */
interface Source {
  readonly latest: number
  since(cursor: number): Catchup
}

interface Member {
  /** Id of the last event handed to `deliver`. */
  cursor: number
  deliver: Deliver
  failed: DeliveryFailed
  left: boolean
}

/**
 * Tells a connection that its delivery threw. Its own clean-up throwing too is ignored: it is
 * detached already, and nothing thrown here may stop the feed reaching everyone else.
 */
export function tellFailed(failed: DeliveryFailed, error: unknown): void {
  try {
    failed(error)
  } catch {}
}

/** Members served before the fan-out lets the event loop run (timers, new connections, reads). */
const defaultSliceSize = 500

/**
 * Hands the feed to every open push connection (each streamed response, each WebSocket), built for a lecture hall.
 *
 * A publish starts a pass over the members in slices, yielding to the event loop between
 * slices, so 10,000 sockets never hold the loop for a whole broadcast. Each member is a cursor:
 * a pass gives it every event it has not had yet, in one go. When the server falls behind
 * (events published faster than a pass ends), the members reached late get two or three events
 * in one write instead of one write each: the work per event shrinks exactly when it must.
 */
export class FanOut {
  #feed: Source
  #members = new Set<Member>()
  #sliceSize: number
  #passing = false
  /** The events after one cursor, kept for the members next in line that share it. */
  #lastSlice: { cursor: number; latest: number; events: FeedEvent[]; reset: boolean } | undefined

  constructor(feed: Source, { sliceSize = defaultSliceSize }: { sliceSize?: number } = {}) {
    this.#feed = feed
    this.#sliceSize = sliceSize
  }

  /**
   * `deliver` gets every event after `cursor` from the next pass on; should it throw, the member
   * leaves and `failed` gets the error. Returns the function that leaves.
   */
  join(cursor: number, deliver: Deliver, failed: DeliveryFailed): () => void {
    const member: Member = { cursor, deliver, failed, left: false }
    this.#members.add(member)
    return () => this.#leave(member)
  }

  #leave(member: Member): void {
    member.left = true
    this.#members.delete(member)
  }

  get memberCount(): number {
    return this.#members.size
  }

  /** The feed has a new event: start a pass, unless one is running (it, or the one after it, takes the event). */
  published(): void {
    this.#startPass()
  }

  #startPass(): void {
    if (this.#passing || this.#members.size === 0) return
    this.#passing = true
    const members = [...this.#members]
    let next = 0
    const slice = () => {
      const end = Math.min(next + this.#sliceSize, members.length)
      for (; next < end; next++) this.#catchUp(members[next] as Member)
      if (next < members.length) return setImmediate(slice)
      this.#passing = false
      this.#lastSlice = undefined
      // Published while this pass ran: the members served early (or joined since) have not had it yet.
      const latest = this.#feed.latest
      for (const member of this.#members) if (member.cursor < latest) return this.#startPass()
    }
    slice()
  }

  #catchUp(member: Member): void {
    const latest = this.#feed.latest
    if (member.left || member.cursor >= latest) return
    let last = this.#lastSlice
    if (!last || last.cursor !== member.cursor || last.latest !== latest) {
      last = { cursor: member.cursor, latest, ...this.#feed.since(member.cursor) }
      this.#lastSlice = last
    }
    member.cursor = latest
    try {
      member.deliver(last.events, last.reset)
    } catch (error) {
      // This connection is closed; the pass goes on to the others.
      this.#leave(member)
      tellFailed(member.failed, error)
    }
  }
}
