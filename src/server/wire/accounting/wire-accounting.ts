import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { RowName, TechniqueName } from '../../../shared/techniques.ts'
import { otherRowNames, techniqueNames } from '../../../shared/techniques.ts'
import type { WireCounters, WireReport } from '../../../shared/wire-stats.ts'
import { emptyCounters } from '../../../shared/wire-stats.ts'

type Rows = Record<RowName, WireCounters>

/** Who an exchange's bytes are charged to: the row and client of its request. */
interface Owner {
  row: RowName
  client: string | undefined
}

/** One request on a connection and its response, from the request's head to the response's end. */
interface Exchange {
  tally: SocketTally
  /** Undefined until the route names it (Fastify's onRequest); bytes wait in `held` meanwhile. */
  owner: Owner | undefined
  held: { bytesIn: number; bytesOut: number; events: number; emptyResponses: number }
  /** Bytes of the request itself (head and declared body); Infinity when unknown (chunked, an Upgrade, TLS). */
  expectedIn: number
  chargedIn: number
  /** The response has ended (streams and WebSockets end when the socket closes). */
  done: boolean
}

/** Per-socket bookkeeping: how much of the socket's byte counters has already been charged, and to whom. */
interface SocketTally {
  /** The socket whose counters are read: the TCP socket itself, or the one under a TLS socket. */
  counted: Socket
  chargedRead: number
  chargedWritten: number
  /** Exchanges whose response has not ended, oldest first: the first is the one being written. */
  open: Exchange[]
  /** Exchanges whose request bytes are still arriving, oldest first. */
  reading: Exchange[]
  first: Exchange | undefined
  /** The newest exchange: it holds the connection in `openConnections`, and takes bytes nobody else can. */
  last: Exchange | undefined
  /** The owner counted in `openConnections` for this connection. */
  holder: Owner | undefined
}

const allRowNames: readonly RowName[] = [...techniqueNames, ...otherRowNames]
const pageOwner: Owner = { row: 'page', client: undefined }

function emptyRows(): Rows {
  return Object.fromEntries(allRowNames.map((name) => [name, emptyCounters()])) as Rows
}

/**
 * The request head's size on the wire as Node parsed it: request line, `Name: value` lines, blank
 * line. Exact for the form browsers and HTTP libraries send; optional spaces around a value that Node
 * trimmed are not in it (those bytes are then charged to the next request on the connection, or at close).
 */
export function requestBytesOf(request: IncomingMessage): number {
  let bytes = request.method?.length ?? 0
  bytes += 1 + (request.url?.length ?? 0) + ' HTTP/1.1\r\n'.length
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) bytes += (raw[i] as string).length + 2 + (raw[i + 1] as string).length + 2
  bytes += 2
  if (request.headers['transfer-encoding'] !== undefined || request.headers.upgrade !== undefined)
    return Number.POSITIVE_INFINITY
  const length = Number(request.headers['content-length'] ?? 0)
  return Number.isFinite(length) && length >= 0 ? bytes + length : Number.POSITIVE_INFINITY
}

/**
 * Counts what really crosses each TCP socket, per technique and per client.
 *
 * Bytes come from the kernel-facing counters Node keeps on every socket (`bytesRead`,
 * `bytesWritten`), so HTTP heads, chunk framing and WebSocket frame headers are all included.
 * A keep-alive socket can serve requests of several techniques, pipelined or in turn: Node writes
 * their responses one after the other, so each response is charged what was written while it was
 * the one being written; bytes read are charged to each request up to its own size, so requests
 * that arrive in one packet are still each charged their own.
 *
 * Each page's counters are updated as bytes are charged, and the accounting knows which sockets
 * each page has busy, so one page's report costs its own connections, not the server's.
 */
export class WireAccounting {
  #totals = emptyRows()
  #clients = new Map<string, Rows>()
  /** When each client last began a request of each row, epoch ms. */
  #lastRequest = new Map<string, Partial<Record<RowName, number>>>()
  #sockets = new Map<Socket, SocketTally>()
  /** Exchanges by their request, until the route names them. */
  #exchanges = new WeakMap<object, Exchange>()
  /** Each client's sockets with an exchange of it under way, and how many. */
  #busy = new Map<string, Map<SocketTally, number>>()
  #maxClients: number

  constructor({ maxClients = 5000 }: { maxClients?: number } = {}) {
    this.#maxClients = maxClients
  }

  /**
   * Start counting a socket the server just accepted: call from the server's `connection` event
   * (`secureConnection` over TLS, passing the TCP socket underneath as `counted`, so the bytes are
   * the encrypted ones that really cross the wire, TLS handshake and record framing included).
   */
  track(socket: Socket, counted: Socket = socket): void {
    const tally: SocketTally = {
      counted,
      chargedRead: 0,
      chargedWritten: 0,
      open: [],
      reading: [],
      first: undefined,
      last: undefined,
      holder: undefined
    }
    this.#sockets.set(socket, tally)
    socket.once('close', () => this.#closed(socket, tally))
  }

  /**
   * Node parsed a request on `socket` (its `request` or `upgrade` event, before any route runs).
   * `key` identifies it later (the IncomingMessage); `expectedInBytes` is its size on the wire when
   * known (`requestBytesOf`), so pipelined requests read together are each charged their own bytes.
   */
  requestArrived(socket: Socket, key: object, expectedInBytes = Number.POSITIVE_INFINITY): void {
    const tally = this.#sockets.get(socket)
    if (!tally) return
    this.#chargeWritten(tally)
    // The requests before this one are complete: each takes what is left of its own size, no more.
    // One of unknown size takes nothing more: what arrived since is this request's head.
    for (const earlier of tally.reading)
      if (!Number.isFinite(earlier.expectedIn)) earlier.expectedIn = earlier.chargedIn
    this.#chargeRead(tally)
    for (const earlier of tally.reading) earlier.expectedIn = earlier.chargedIn
    const exchange: Exchange = {
      tally,
      owner: undefined,
      held: { bytesIn: 0, bytesOut: 0, events: 0, emptyResponses: 0 },
      expectedIn: expectedInBytes,
      chargedIn: 0,
      done: false
    }
    tally.first ??= exchange
    tally.last = exchange
    tally.open.push(exchange)
    tally.reading = [exchange]
    this.#exchanges.set(key, exchange)
    this.#chargeRead(tally)
  }

  /**
   * The route of request `key` says whose it is: `row`, page `client`. Returns true when it is the
   * first request on its connection: the one charged the TCP handshake.
   */
  nameRequest(key: object, row: RowName, client: string | undefined): boolean {
    const exchange = this.#exchanges.get(key)
    if (!exchange || exchange.owner) return false
    this.#name(exchange, { row, client })
    if (client) {
      this.#touch(client)
      const last = this.#lastRequest.get(client)
      if (last) last[row] = Date.now()
      else this.#lastRequest.set(client, { [row]: Date.now() })
    }
    return exchange === exchange.tally.first
  }

  /** The response to request `key` has ended (its `finish`, before Node starts writing the next one). */
  responseDone(key: object): void {
    const exchange = this.#exchanges.get(key)
    if (exchange) this.#end(exchange)
  }

  /** A request of `row` by `client` began on `socket`: `requestArrived` and `nameRequest` in one (for tests). */
  beginRequest(socket: Socket, row: RowName, client: string | undefined, expectedInBytes?: number): boolean {
    const key = {}
    this.requestArrived(socket, key, expectedInBytes)
    return this.nameRequest(key, row, client)
  }

  /** The oldest response under way on `socket` has ended (for tests; the server uses `responseDone`). */
  endRequest(socket: Socket): void {
    const exchange = this.#sockets.get(socket)?.open[0]
    if (exchange) this.#end(exchange)
  }

  /** `count` feed events were delivered over `socket`: charged to the response being written on it. */
  countEvents(socket: Socket, count: number): void {
    if (count > 0) this.#count(socket, 'events', count)
  }

  /** A poll or long poll on `socket` was answered with no event. */
  countEmptyResponse(socket: Socket): void {
    this.#count(socket, 'emptyResponses', 1)
  }

  /** The sockets whose latest request was of `row`, made by page `client` (by any page when undefined). */
  socketsOf(client: string | undefined, row: RowName): Socket[] {
    const found: Socket[] = []
    for (const [socket, { holder }] of this.#sockets)
      if (holder?.row === row && (client === undefined || holder.client === client)) found.push(socket)
    return found
  }

  /**
   * The techniques `client` is using now: a request of it in progress (a held poll, a stream, a
   * WebSocket), or one begun within the last `withinMs`. An idle kept-alive connection does not count.
   * Costs `client`'s own connections.
   */
  activeTechniques(client: string, withinMs: number): TechniqueName[] {
    const last = this.#lastRequest.get(client) ?? {}
    const since = Date.now() - withinMs
    const busy = new Set<RowName>()
    for (const tally of this.#busy.get(client)?.keys() ?? [])
      for (const { owner } of tally.open) if (owner?.client === client) busy.add(owner.row)
    return techniqueNames.filter((name) => busy.has(name) || (last[name] ?? 0) >= since)
  }

  /**
   * Counters for one client, or totals when `client` is undefined. Open streams (SSE, WebSocket,
   * held polls) are charged up to this instant first: for a client, only its own sockets.
   */
  report(client: string | undefined, latest: number): WireReport {
    if (client === undefined) for (const tally of this.#sockets.values()) this.#charge(tally)
    else for (const tally of this.#busy.get(client)?.keys() ?? []) this.#charge(tally)
    const rows = client === undefined ? this.#totals : (this.#clients.get(client) ?? emptyRows())
    const copy = (name: RowName) => ({ ...rows[name] })
    const techniques = Object.fromEntries(techniqueNames.map((name) => [name, copy(name)])) as Record<
      TechniqueName,
      WireCounters
    >
    const other = { page: copy('page'), messages: copy('messages') }
    const report: WireReport = { techniques, other, latest, at: Date.now() }
    return client === undefined ? report : { client, ...report }
  }

  #end(exchange: Exchange): void {
    if (exchange.done) return
    const { tally } = exchange
    this.#charge(tally)
    exchange.done = true
    tally.open = tally.open.filter((open) => open !== exchange)
    // A response that ends before its route named it (a request refused early) is the page's own traffic.
    if (!exchange.owner) this.#name(exchange, pageOwner)
    else this.#unbusy(exchange)
  }

  #name(exchange: Exchange, owner: Owner): void {
    exchange.owner = owner
    const { tally, held } = exchange
    if (exchange === tally.first) this.#add(owner, 'connectionsOpened', 1)
    this.#add(owner, 'requests', 1)
    // The newest request holds the connection; an older one named late leaves it to the newer.
    if (exchange === tally.last || !tally.holder) {
      if (tally.holder) this.#add(tally.holder, 'openConnections', -1)
      tally.holder = owner
      this.#add(owner, 'openConnections', 1)
    }
    this.#add(owner, 'bytesIn', held.bytesIn)
    this.#add(owner, 'bytesOut', held.bytesOut)
    this.#add(owner, 'events', held.events)
    this.#add(owner, 'emptyResponses', held.emptyResponses)
    if (owner.client !== undefined && !exchange.done) {
      let sockets = this.#busy.get(owner.client)
      if (!sockets) {
        sockets = new Map()
        this.#busy.set(owner.client, sockets)
      }
      sockets.set(tally, (sockets.get(tally) ?? 0) + 1)
    }
  }

  #unbusy({ owner, tally }: Exchange): void {
    if (owner?.client === undefined) return
    const sockets = this.#busy.get(owner.client)
    const count = sockets?.get(tally)
    if (!sockets || count === undefined) return
    if (count > 1) sockets.set(tally, count - 1)
    else {
      sockets.delete(tally)
      if (sockets.size === 0) this.#busy.delete(owner.client)
    }
  }

  #closed(socket: Socket, tally: SocketTally): void {
    this.#charge(tally)
    const last = tally.last
    if (!last) {
      // A connection that never carried a request (a preconnect, a malformed head) still cost a handshake.
      this.#add(pageOwner, 'connectionsOpened', 1)
      this.#add(pageOwner, 'bytesIn', tally.counted.bytesRead)
      this.#add(pageOwner, 'bytesOut', tally.counted.bytesWritten)
    } else {
      // Bytes no request claimed (a malformed request after the last one, spaces Node trimmed) go to the last.
      last.expectedIn = Number.POSITIVE_INFINITY
      tally.reading = [last]
      this.#charge(tally)
      for (const exchange of tally.open) {
        exchange.done = true
        if (!exchange.owner) this.#name(exchange, pageOwner)
        else this.#unbusy(exchange)
      }
      tally.open = []
      if (tally.holder) this.#add(tally.holder, 'openConnections', -1)
    }
    this.#sockets.delete(socket)
  }

  /** Charges the socket's bytes moved since the last charge: written to the response being written, read to each request up to its size. */
  #charge(tally: SocketTally): void {
    this.#chargeWritten(tally)
    this.#chargeRead(tally)
  }

  #chargeWritten(tally: SocketTally): void {
    const written = tally.counted.bytesWritten
    const out = written - tally.chargedWritten
    if (out > 0) {
      const writer = tally.open[0] ?? tally.last
      if (writer) {
        this.#give(writer, 'bytesOut', out)
        tally.chargedWritten = written
      }
    }
  }

  #chargeRead(tally: SocketTally): void {
    let pending = tally.counted.bytesRead - tally.chargedRead
    while (pending > 0) {
      const reader = tally.reading[0]
      // Bytes ahead of any request parsed so far wait for the request they belong to.
      if (!reader) return
      const take = Math.min(pending, reader.expectedIn - reader.chargedIn)
      reader.chargedIn += take
      tally.chargedRead += take
      pending -= take
      this.#give(reader, 'bytesIn', take)
      if (reader.chargedIn >= reader.expectedIn) tally.reading.shift()
    }
  }

  #count(socket: Socket, field: 'events' | 'emptyResponses', amount: number): void {
    const tally = this.#sockets.get(socket)
    const exchange = tally && (tally.open[0] ?? tally.last)
    if (exchange) this.#give(exchange, field, amount)
  }

  /** Adds to the exchange's owner, or holds it until the route names one. */
  #give(exchange: Exchange, field: keyof Exchange['held'], amount: number): void {
    if (amount === 0) return
    if (exchange.owner) this.#add(exchange.owner, field, amount)
    else exchange.held[field] += amount
  }

  #add({ row, client }: Owner, field: keyof WireCounters, amount: number): void {
    if (amount === 0) return
    this.#totals[row][field] += amount
    if (client === undefined) return
    let rows = this.#clients.get(client)
    if (!rows) {
      // Make room first: a row just made has nothing open yet, and must not be the one forgotten.
      this.#evictIdleClients()
      rows = emptyRows()
      this.#clients.set(client, rows)
    }
    rows[row][field] += amount
  }

  /** Keeps the most recently active clients last, so eviction drops the longest idle. */
  #touch(client: string): void {
    const rows = this.#clients.get(client)
    if (!rows) return
    this.#clients.delete(client)
    this.#clients.set(client, rows)
  }

  /** Bounds memory when thousands of pages come and go: forget the oldest clients with nothing open. */
  #evictIdleClients(): void {
    if (this.#clients.size < this.#maxClients) return
    for (const [client, rows] of this.#clients) {
      if (this.#clients.size < this.#maxClients) return
      const open = allRowNames.some((name) => rows[name].openConnections > 0)
      if (open) continue
      this.#clients.delete(client)
      this.#lastRequest.delete(client)
    }
  }
}
