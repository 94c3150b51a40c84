/**
 * Over HTTP/1.1 a browser opens at most 6 connections to one server (Chromium, Firefox and Safari
 * alike), for all its tabs together; a 7th request waits, silently, until one is free. Each held
 * response (a long poll, an SSE stream, a streaming fetch, a forever frame) keeps one busy. So the
 * pages of one browser share them knowingly, as FastMail did for its EventSource: together they hold
 * at most 4, and 2 stay free for requests (polls, Update, Reload). A stream that cannot have one is
 * paused, says why, and can take one over; it resumes by itself when one frees up.
 *
 * Tabs tell each other over a BroadcastChannel, which works on `http://<LAN address>` too, where the
 * Web Locks API does not exist (it needs a secure context). WebSockets are not counted: browsers keep
 * them in a pool of their own.
 */

/** HTTP/1.1 connections a browser opens to one server at the same time. */
export const connectionsPerServer = 6
/** Kept free for ordinary requests, so polling and Update never wait behind streams. */
export const keptForRequests = 2
export const heldAtMost = connectionsPerServer - keptForRequests

/** How long a new tab listens for the others before its first decision. */
const firstAnswerMs = 150
/** While something waits, this often the tabs are asked to answer: those that do not are gone. */
const probeEveryMs = 4_000
/** How long the tabs have to answer. Background tabs answer at once: messages are not throttled, timers are. */
const probeAnswerMs = 1_000

/** One held response a tab wants, and its place in the browser's queue (epoch ms it was asked for). */
export interface Want {
  tab: string
  key: string
  since: number
}

/** Why a stream is paused, in figures. */
export interface PauseReason {
  /** Held responses open now in this browser, in every tab. */
  held: number
  /** Of those, in other tabs. */
  elsewhere: number
  /** It had a connection, and another tab took it over. */
  takenOver: boolean
}

/** Who holds a connection while granted: the stream it opens and closes. */
export interface Holder {
  grant(): void
  pause(reason: PauseReason): void
}

export interface Holding {
  /** Swaps places with the last stream that has a connection: that one pauses, this one opens. */
  takeOver(): void
  release(): void
}

type Message =
  | { type: 'wants'; tab: string; wants: Want[] }
  | { type: 'hello'; tab: string }
  | { type: 'bye'; tab: string }
  /** `tab` took over `victim`'s place in the queue: the victim takes `since`, the taker's old place. */
  | { type: 'swap'; tab: string; victim: { tab: string; key: string }; since: number }

/** The browser's queue: first come, first served. Every tab sorts the same wants, so they agree without a leader. */
function queued(wants: readonly Want[]): Want[] {
  return [...wants].sort((a, b) => a.since - b.since || a.tab.localeCompare(b.tab) || a.key.localeCompare(b.key))
}

/** Which wants get a connection: the first `limit` in the queue. */
export function grantedWants(wants: readonly Want[], limit = heldAtMost): Set<Want> {
  return new Set(queued(wants).slice(0, limit))
}

interface Mine {
  want: Want
  holder: Holder
  granted: boolean
  /** It was granted, then another stream took it over (Take over): it says so until granted again. */
  takenOver: boolean
  /** The last reason told, so a holder hears only of a change. */
  told: string | undefined
}

/** This tab's share of the browser's connections to the server. */
export class ConnectionBudget {
  readonly tab: string
  #channel: BroadcastChannel | undefined
  #limited: boolean
  #mine = new Map<string, Mine>()
  #others = new Map<string, { wants: Want[]; heardAt: number }>()
  #ready = false
  #nextKey = 0
  #probe: ReturnType<typeof setInterval> | undefined
  #probeEveryMs: number

  /**
   * `limited: false` (HTTP/2 and 3: one connection carries every stream) grants everything at once.
   * Tests give their own channel name and probe interval.
   */
  constructor(
    tab: string,
    { limited = true, channelName = 'wirewatch:held-connections', probeEvery = probeEveryMs } = {}
  ) {
    this.tab = tab
    this.#limited = limited
    this.#probeEveryMs = probeEvery
    if (!limited || typeof BroadcastChannel === 'undefined') {
      this.#ready = true
      return
    }
    const channel = new BroadcastChannel(channelName)
    this.#channel = channel
    channel.onmessage = (message: MessageEvent<Message>) => this.#heard(message.data)
    this.#post({ type: 'hello', tab })
    setTimeout(() => {
      this.#ready = true
      this.#decide()
    }, firstAnswerMs)
  }

  /** A stream wants a connection; `holder` opens it when granted and closes it when paused. */
  hold(holder: Holder): Holding {
    const key = String(this.#nextKey++)
    // No two wants of a tab share a place, so a swap moves exactly two.
    const want: Want = { tab: this.tab, key, since: Date.now() + this.#nextKey / 1e6 }
    const mine: Mine = { want, holder, granted: false, takenOver: false, told: undefined }
    this.#mine.set(key, mine)
    this.#changed()
    return {
      takeOver: () => {
        if (this.#mine.get(key) !== mine || mine.granted) return
        // Swap places with the last granted stream (another tab's if any): no other stream moves.
        const granted = queued(this.#allWants()).slice(0, heldAtMost)
        const victim = granted.filter((other) => other.tab !== this.tab).at(-1) ?? granted.at(-1)
        if (!victim) return
        const since = want.since
        want.since = victim.since
        if (victim.tab === this.tab) victim.since = since
        else this.#post({ type: 'swap', tab: this.tab, victim: { tab: victim.tab, key: victim.key }, since })
        this.#changed()
      },
      release: () => {
        if (this.#mine.get(key) !== mine) return
        this.#mine.delete(key)
        this.#changed()
      }
    }
  }

  /**
   * Held responses open now in this browser, as its tabs have told each other (`elsewhere`: in other
   * tabs). Read-only: for a page that shows the limit rather than keeps within it.
   */
  holding(): { held: number; elsewhere: number } {
    const all = this.#allWants()
    const granted = this.#limited ? grantedWants(all) : new Set(all)
    const held = all.filter((want) => granted.has(want))
    return { held: held.length, elsewhere: held.filter((want) => want.tab !== this.tab).length }
  }

  /** The page is going away: the other tabs may take what this one held. */
  leave(): void {
    this.#post({ type: 'bye', tab: this.tab })
  }

  /** Stops listening, as a closed tab would, without a word (for tests of a crashed tab). */
  close(): void {
    clearInterval(this.#probe)
    this.#channel?.close()
    this.#channel = undefined
  }

  /** The page is back (from the back-forward cache): says again what it wants. */
  announce(): void {
    this.#post({ type: 'hello', tab: this.tab })
    this.#changed()
  }

  #changed(): void {
    this.#post({ type: 'wants', tab: this.tab, wants: this.#myWants() })
    this.#decide()
  }

  #myWants(): Want[] {
    return [...this.#mine.values()].map((mine) => mine.want)
  }

  #allWants(): Want[] {
    return [...this.#myWants(), ...[...this.#others.values()].flatMap((other) => other.wants)]
  }

  #heard(message: Message): void {
    if (message.tab === this.tab) return
    if (message.type === 'hello') this.#post({ type: 'wants', tab: this.tab, wants: this.#myWants() })
    if (message.type === 'wants') this.#others.set(message.tab, { wants: message.wants, heardAt: Date.now() })
    if (message.type === 'bye') this.#others.delete(message.tab)
    const swapped = message.type === 'swap' && message.victim.tab === this.tab && this.#mine.get(message.victim.key)
    if (message.type === 'swap' && swapped) {
      swapped.want.since = message.since
      this.#changed()
    } else if (message.type !== 'hello') this.#decide()
  }

  #decide(): void {
    if (!this.#ready) return
    const all = this.#allWants()
    const granted = this.#limited ? grantedWants(all) : new Set(all)
    const held = all.filter((want) => granted.has(want)).length
    const elsewhere = all.filter((want) => granted.has(want) && want.tab !== this.tab).length
    let waiting = false
    for (const mine of this.#mine.values()) {
      const isGranted = granted.has(mine.want)
      if (isGranted && !mine.granted) {
        Object.assign(mine, { granted: true, takenOver: false, told: undefined })
        mine.holder.grant()
      } else if (!isGranted) {
        waiting = true
        if (mine.granted) Object.assign(mine, { granted: false, takenOver: true })
        const reason: PauseReason = { held, elsewhere, takenOver: mine.takenOver }
        const told = JSON.stringify(reason)
        if (told === mine.told) continue
        mine.told = told
        mine.holder.pause(reason)
      }
    }
    this.#probeWhile(waiting)
  }

  /** While a stream waits, ask every tab now and then; a tab that no longer answers is gone (closed, crashed). */
  #probeWhile(waiting: boolean): void {
    if (!waiting || !this.#channel) {
      clearInterval(this.#probe)
      this.#probe = undefined
      return
    }
    this.#probe ??= setInterval(() => {
      const askedAt = Date.now()
      this.#post({ type: 'hello', tab: this.tab })
      setTimeout(() => {
        for (const [tab, other] of this.#others) if (other.heardAt < askedAt) this.#others.delete(tab)
        this.#decide()
      }, probeAnswerMs)
    }, this.#probeEveryMs)
  }

  #post(message: Message): void {
    this.#channel?.postMessage(message)
  }
}
