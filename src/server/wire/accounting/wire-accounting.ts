import type { Socket } from 'node:net'
import type { RowName, TechniqueName } from '../../../shared/techniques.ts'
import { techniqueNames } from '../../../shared/techniques.ts'
import type { WireReport } from '../../../shared/wire-stats.ts'
import { BusySockets } from './busy-sockets.ts'
import { ClientCounters, type Owner } from './client-counters.ts'
import { chargeRead, chargeWritten, type Exchange, type SocketTally } from './socket-tally.ts'

const pageOwner: Owner = { row: 'page', client: undefined }

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
  #counters: ClientCounters
  #sockets = new Map<Socket, SocketTally>()
  /** Exchanges by their request, until the route names them. */
  #exchanges = new WeakMap<object, Exchange>()
  /** Each client's sockets with an exchange of it under way, and how many. */
  #busy = new BusySockets<SocketTally>()

  constructor({ maxClients = 5000 }: { maxClients?: number } = {}) {
    this.#counters = new ClientCounters(maxClients)
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
    chargeWritten(tally, this.#give)
    // The requests before this one are complete: each takes what is left of its own size, no more.
    // One of unknown size takes nothing more: what arrived since is this request's head.
    for (const earlier of tally.reading)
      if (!Number.isFinite(earlier.expectedIn)) earlier.expectedIn = earlier.chargedIn
    chargeRead(tally, this.#give)
    for (const earlier of tally.reading) earlier.expectedIn = earlier.chargedIn
    const exchange: Exchange = {
      request: key,
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
    chargeRead(tally, this.#give)
  }

  /**
   * The route of request `key` says whose it is: `row`, page `client`. Returns true when it is the
   * first request on its connection: the one charged the TCP handshake.
   */
  nameRequest(key: object, row: RowName, client: string | undefined): boolean {
    const exchange = this.#exchanges.get(key)
    if (!exchange || exchange.owner) return false
    this.#name(exchange, { row, client })
    if (client) this.#counters.requested(client, row)
    return exchange === exchange.tally.first
  }

  /** The response to request `key` has ended (its `finish`, before Node starts writing the next one). */
  responseDone(key: object): void {
    const exchange = this.#exchanges.get(key)
    if (exchange) this.#end(exchange)
  }

  /**
   * The request whose response `socket` is writing now, as its key was given to `requestArrived`: the
   * oldest whose response has not ended, since Node writes pipelined responses one after the other.
   * Undefined when none is, or when the socket is not tracked.
   */
  requestBeingAnswered(socket: Socket): object | undefined {
    return this.#sockets.get(socket)?.open[0]?.request
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

  /**
   * `count` feed events were delivered in the response to `request` (the IncomingMessage given to
   * `requestArrived`): by request, not by socket, since over HTTP/2 one connection carries many at once.
   */
  countEvents(request: object, count: number): void {
    if (count > 0) this.#count(request, 'events', count)
  }

  /** A poll or long poll (`request`) was answered with no event. */
  countEmptyResponse(request: object): void {
    this.#count(request, 'emptyResponses', 1)
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
    const last = this.#counters.lastRequests(client)
    const since = Date.now() - withinMs
    const busy = new Set<RowName>()
    for (const tally of this.#busy.of(client))
      for (const { owner } of tally.open) if (owner?.client === client) busy.add(owner.row)
    return techniqueNames.filter((name) => busy.has(name) || (last[name] ?? 0) >= since)
  }

  /**
   * Counters for one client, or totals when `client` is undefined. Open exchanges (streamed responses,
   * WebSockets, held polls) are charged up to this instant first: for a client, only its own sockets.
   */
  report(client: string | undefined, latest: number): WireReport {
    if (client === undefined) for (const tally of this.#sockets.values()) this.#charge(tally)
    else for (const tally of this.#busy.of(client)) this.#charge(tally)
    return this.#counters.report(client, latest)
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
    if (exchange === tally.first) this.#counters.add(owner, 'connectionsOpened', 1)
    this.#counters.add(owner, 'requests', 1)
    // The newest request holds the connection; an older one named late leaves it to the newer.
    if (exchange === tally.last || !tally.holder) {
      if (tally.holder) this.#counters.add(tally.holder, 'openConnections', -1)
      tally.holder = owner
      this.#counters.add(owner, 'openConnections', 1)
    }
    this.#counters.add(owner, 'bytesIn', held.bytesIn)
    this.#counters.add(owner, 'bytesOut', held.bytesOut)
    this.#counters.add(owner, 'events', held.events)
    this.#counters.add(owner, 'emptyResponses', held.emptyResponses)
    if (owner.client !== undefined && !exchange.done) this.#busy.add(owner.client, tally)
  }

  #unbusy({ owner, tally }: Exchange): void {
    if (owner?.client !== undefined) this.#busy.remove(owner.client, tally)
  }

  #closed(socket: Socket, tally: SocketTally): void {
    this.#charge(tally)
    const last = tally.last
    if (!last) {
      // A connection that never carried a request (a preconnect, a malformed head) still cost a handshake.
      this.#counters.add(pageOwner, 'connectionsOpened', 1)
      this.#counters.add(pageOwner, 'bytesIn', tally.counted.bytesRead)
      this.#counters.add(pageOwner, 'bytesOut', tally.counted.bytesWritten)
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
      if (tally.holder) this.#counters.add(tally.holder, 'openConnections', -1)
    }
    this.#sockets.delete(socket)
  }

  /** Charges the socket's bytes moved since the last charge: written to the response being written, read to each request up to its size. */
  #charge(tally: SocketTally): void {
    chargeWritten(tally, this.#give)
    chargeRead(tally, this.#give)
  }

  #count(request: object, field: 'events' | 'emptyResponses', amount: number): void {
    const exchange = this.#exchanges.get(request)
    if (exchange) this.#give(exchange, field, amount)
  }

  /** Adds to the exchange's owner, or holds it until the route names one. */
  readonly #give = (exchange: Exchange, field: keyof Exchange['held'], amount: number): void => {
    if (amount === 0) return
    if (exchange.owner) this.#counters.add(exchange.owner, field, amount)
    else exchange.held[field] += amount
  }
}
