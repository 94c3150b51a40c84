import { type CaptureItem, isTrafficItem } from '../../../shared/capture.ts'
import type { TechniqueName } from '../../../shared/techniques.ts'
import { remember } from './watched-pages.ts'

/** An item as the tap builds it: the store numbers it and stamps the simulated RTT. */
export type NewCaptureItem = CaptureItem extends infer Item
  ? Item extends CaptureItem
    ? Omit<Item, 'seq' | 'simulatedRttMs'>
    : never
  : never

/** The heads of a client's newest WebSocket on /feed/websocket, for the handshake explanation. */
export interface CapturedHandshake {
  connection: number
  requestHead: string
  responseHead: string
}

export interface CaptureStoreOptions {
  /** The simulated round-trip time right now, stamped on every item. */
  rttMs?: () => number
  /** Pages remembered; the one idle longest is forgotten first. */
  maxClients?: number
  /** Requests, responses and closes kept per client and technique (default 20; the wire view shows 6). */
  exchangesPerTechnique?: number
  /** Stream chunks and frames kept per client and technique (default 50; the wire view shows 20–25). */
  trafficPerTechnique?: number
  /** Every page counts as in view (the bench's worst case: a room with every wire view open). */
  everyoneInView?: boolean
}

/** A fixed-size ring: pushing beyond its capacity drops the oldest item. */
class Ring<T> {
  #items: T[] = []
  #next = 0
  #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  push(item: T): void {
    if (this.#items.length < this.#capacity) this.#items.push(item)
    else this.#items[this.#next] = item
    this.#next = (this.#next + 1) % this.#capacity
  }

  /** Items in insertion order, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    const start = this.#items.length < this.#capacity ? 0 : this.#next
    for (let i = 0; i < this.#items.length; i++) yield this.#items[(start + i) % this.#items.length] as T
  }
}

/** Two rings per technique, so a long run of frames never pushes the heads of the exchange out. */
interface TechniqueCapture {
  exchanges: Ring<CaptureItem>
  traffic: Ring<CaptureItem>
}

interface ClientCapture {
  techniques: Map<TechniqueName, TechniqueCapture>
  handshake: CapturedHandshake | undefined
  /** When an item was last kept for this page, epoch ms. */
  lastAt: number
}

/**
 * Items captured for one page since its live channel last took them. The store's rings keep
 * only the last few exchanges for `GET /wire/capture`; a page watching live gets every item,
 * however fast they come, up to `max` between two takes (then the oldest go: far above what the
 * feed's top rate makes in half a second on every technique at once).
 */
export class CaptureOutbox {
  #items: CaptureItem[] = []
  #max: number

  constructor(max: number) {
    this.#max = max
  }

  push(item: CaptureItem): void {
    if (this.#items.length >= this.#max) this.#items.shift()
    this.#items.push(item)
  }

  /** Everything captured since the last take, oldest first. */
  take(): CaptureItem[] {
    const items = this.#items
    this.#items = []
    return items
  }
}

/** Items one outbox holds between two takes (a live channel takes twice a second). */
const outboxMax = 2_000

/** A full store makes room for a new page only by forgetting one idle this long. */
const idleBeforeForgotMs = 60_000

/** A page stays in view this long after its live channel closed (a reload) or it last asked for its capture. */
export const viewLingerMs = 60_000

/**
 * What the taps captured, in bounded memory: for each page (client id) and
 * technique the last exchanges and the last stream chunks or frames, for at most
 * `maxClients` pages. Every item gets the next `seq`, server-wide, so a reader can
 * ask for only what is new.
 */
export class CaptureStore {
  #clients = new Map<string, ClientCapture>()
  /** The outboxes of each page's open live channels. */
  #outboxes = new Map<string, Set<CaptureOutbox>>()
  #seq = 0
  #connections = 0
  #rttMs: () => number
  #maxClients: number
  #exchanges: number
  #traffic: number
  #everyoneInView: boolean
  /** Page → until when it counts as in view without a live channel open (epoch ms), oldest first. */
  #viewedUntil = new Map<string, number>()

  constructor({
    rttMs = () => 0,
    maxClients = 1000,
    exchangesPerTechnique = 20,
    trafficPerTechnique = 50,
    everyoneInView = false
  }: CaptureStoreOptions = {}) {
    this.#rttMs = rttMs
    this.#everyoneInView = everyoneInView
    this.#maxClients = maxClients
    this.#exchanges = exchangesPerTechnique
    this.#traffic = trafficPerTechnique
  }

  /** The newest `seq` handed out (0 before the first item). */
  get latest(): number {
    return this.#seq
  }

  /** Pages with something captured. */
  get clientCount(): number {
    return this.#clients.size
  }

  /** The number of the next accepted TCP connection (first = 1). */
  nextConnection(): number {
    return ++this.#connections
  }

  /** The most pages captured at once. */
  get maxPages(): number {
    return this.#maxClients
  }

  /**
   * Whether `client`'s exchanges are captured: a page already captured, or a new one while there is
   * room or a page idle for a minute to forget. In a lecture hall of thousands the first thousand
   * pages are captured and the rest are not, rather than every frame evicting another page's capture.
   */
  admits(client: string): boolean {
    if (!this.covers(client)) return false
    if (!this.#clients.has(client) && this.#clients.size >= this.#maxClients) {
      const oldest = this.#clients.keys().next()
      if (!oldest.done) this.#clients.delete(oldest.value)
    }
    return true
  }

  /** What `admits` would answer for `client` now, without making room: whether its page is (or will be) captured. */
  covers(client: string): boolean {
    if (this.#clients.has(client) || this.#clients.size < this.#maxClients) return true
    const oldest = this.#clients.values().next().value
    return oldest !== undefined && Date.now() - oldest.lastAt >= idleBeforeForgotMs
  }

  /**
   * Whether anyone can see `client`'s capture: its live channel is open here (every page holds one: its
   * race view, wire views and diagrams read the capture through it), or was, or the page asked for its
   * capture or said its wire view is open, in the last minute. Nobody sees the rest: a load generator, a
   * curl, a page whose stats channel is on another instance. Their sockets stop being captured (`UnseenCaptures`).
   */
  inView(client: string, now = Date.now()): boolean {
    if (this.#everyoneInView || this.#outboxes.has(client)) return true
    const until = this.#viewedUntil.get(client)
    if (until === undefined) return false
    if (until > now) return true
    this.#viewedUntil.delete(client)
    return false
  }

  /** Someone asked for `client`'s capture, or its live channel closed: in view for the next minute. */
  viewed(client: string, now = Date.now()): void {
    // Bounded like the pages themselves: the oldest mark goes first.
    remember(this.#viewedUntil, client, now + viewLingerMs, this.#maxClients)
  }

  /** Drops what was captured for `client`: nobody had it in view (see `UnseenCaptures`), and it would only take room. */
  forget(client: string): void {
    if (!this.inView(client)) this.#clients.delete(client)
  }

  /** Numbers `item`, stamps the simulated RTT, and keeps it for `client`. */
  add(client: string, item: NewCaptureItem): CaptureItem {
    // The item is the tap's to give away: numbered in place rather than copied (a copy per frame showed in the bench).
    const stored = Object.assign(item, { seq: ++this.#seq, simulatedRttMs: this.#rttMs() }) as CaptureItem
    const technique = this.#technique(this.#client(client), item.technique)
    ;(isTrafficItem(item) ? technique.traffic : technique.exchanges).push(stored)
    const outboxes = this.#outboxes.get(client)
    if (outboxes) for (const outbox of outboxes) outbox.push(stored)
    return stored
  }

  /**
   * An outbox that gets every item captured for `client` from now on, and what is kept already
   * (so nothing falls between the two); `close` when the live channel closes.
   */
  openOutbox(client: string): { kept: CaptureItem[]; outbox: CaptureOutbox; close: () => void } {
    const outbox = new CaptureOutbox(outboxMax)
    const outboxes = this.#outboxes.get(client) ?? new Set()
    outboxes.add(outbox)
    this.#outboxes.set(client, outboxes)
    const close = () => {
      outboxes.delete(outbox)
      if (outboxes.size === 0 && this.#outboxes.get(client) === outboxes) this.#outboxes.delete(client)
      // A reload closes the channel and opens it again a moment later: the page stays in view meanwhile.
      this.viewed(client)
    }
    return { kept: this.since(client), outbox, close }
  }

  /** Items of `client` (of one technique, or all) with `seq` greater than `since`, oldest first. */
  since(client: string, technique?: TechniqueName, since = 0): CaptureItem[] {
    const capture = this.#clients.get(client)
    if (!capture) return []
    const found: CaptureItem[] = []
    for (const [name, rings] of capture.techniques) {
      if (technique !== undefined && name !== technique) continue
      for (const ring of [rings.exchanges, rings.traffic]) {
        for (const item of ring) if (item.seq > since) found.push(item)
      }
    }
    return found.sort((a, b) => a.seq - b.seq)
  }

  /** Keeps the heads of `client`'s newest WebSocket handshake, replacing the previous one. */
  recordHandshake(client: string, handshake: CapturedHandshake): void {
    this.#client(client).handshake = handshake
  }

  handshake(client: string): CapturedHandshake | undefined {
    return this.#clients.get(client)?.handshake
  }

  /** The client's capture, moved to the most-recently-used end; the least recently used is dropped past the limit. */
  #client(client: string): ClientCapture {
    let capture = this.#clients.get(client)
    if (capture) {
      this.#clients.delete(client)
    } else {
      capture = { techniques: new Map(), handshake: undefined, lastAt: 0 }
      if (this.#clients.size >= this.#maxClients) {
        const oldest = this.#clients.keys().next()
        if (!oldest.done) this.#clients.delete(oldest.value)
      }
    }
    capture.lastAt = Date.now()
    this.#clients.set(client, capture)
    return capture
  }

  #technique(capture: ClientCapture, name: TechniqueName): TechniqueCapture {
    let rings = capture.techniques.get(name)
    if (!rings) {
      rings = { exchanges: new Ring(this.#exchanges), traffic: new Ring(this.#traffic) }
      capture.techniques.set(name, rings)
    }
    return rings
  }
}
