import type { Socket } from 'node:net'
import type { RowName, TechniqueName } from '../../../shared/techniques.ts'
import { techniqueNames } from '../../../shared/techniques.ts'
import type { WireReport } from '../../../shared/wire-stats.ts'
import { BusySockets } from './busy-sockets.ts'
import { ClientConnections } from './client-connections.ts'
import { ClientCounters, type Owner } from './client-counters.ts'
import { chargeConnection, chargeTls, connectionCost, costClaimed } from './connection-cost.ts'
import { type H2Tally, h2Tally, ownersInUse, recountInUse, streamClosed, streamOpened } from './h2-tally.ts'
import { chargeRead, chargeWritten, type Exchange, type SocketTally } from './socket-tally.ts'

const pageOwner: Owner = { row: 'page', client: undefined }

type Tally = SocketTally | H2Tally

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
 * An HTTP/2 connection carries many exchanges at once, one per stream: there the bytes come from
 * its frames, each charged to its stream's exchange (`chargeFrame`), and the connection's own frames
 * (stream 0, the preface) to the `connection` row.
 *
 * Each page's counters are updated as bytes are charged, and the accounting knows which sockets
 * each page has busy, so one page's report costs its own connections, not the server's.
 */
export class WireAccounting {
  #counters: ClientCounters
  #sockets = new Map<Socket, SocketTally>()
  /** HTTP/2 connections, by session. */
  #sessions = new Map<object, H2Tally>()
  /** Exchanges by their request, until the route names them. */
  #exchanges = new WeakMap<object, Exchange>()
  /** Each client's connections with an exchange of it under way, and how many. */
  #busy = new BusySockets<Tally>()
  /** Each client's connections that carried a request of it, for its `connectionsNow`. */
  #connectionsOf: ClientConnections<Tally>

  constructor({ maxClients = 5000 }: { maxClients?: number } = {}) {
    this.#counters = new ClientCounters(maxClients)
    this.#connectionsOf = new ClientConnections(maxClients)
  }

  /**
   * Start counting a socket the server just accepted: call from the server's `connection` event
   * (`secureConnection` over TLS, passing the TCP socket underneath as `counted`, so the bytes are
   * the encrypted ones that really cross the wire, TLS handshake and record framing included).
   * Under `--http2`, `counted` is the TLS socket itself (plaintext) and `tcp` the one under it: TLS's
   * own bytes then go to the `connection` row, as they do for HTTP/2 connections.
   */
  track(socket: Socket, counted: Socket = socket, tcp?: Socket): void {
    const tally: SocketTally = {
      protocol: 'http1',
      counted,
      cost: tcp ? connectionCost(tcp, counted) : undefined,
      closed: false,
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
   * Start counting an HTTP/2 connection (before its first frame): `plaintext` is its TLS socket, `tcp`
   * the socket under it. Its frames are charged with `chargeFrame`; it is never `track`ed as a socket.
   */
  trackHttp2(session: object, plaintext: Socket, tcp: Socket): void {
    const tally = h2Tally(connectionCost(tcp, plaintext))
    this.#sessions.set(session, tally)
    plaintext.once('close', () => this.#closedHttp2(session, tally))
  }

  /**
   * A frame of `length` payload bytes (plus its 9-byte header) crossed HTTP/2 connection `session`:
   * charged to its stream's exchange (held until Node hands that stream's request over), stream 0's
   * to the `connection` row. `streamId` undefined: the client's connection preface.
   */
  chargeFrame(session: object, direction: 'in' | 'out', streamId: number | undefined, bytes: number): void {
    const tally = this.#sessions.get(session)
    if (!tally) return
    if (!streamId) {
      chargeConnection(this.#counters, tally.cost, direction, bytes)
      return
    }
    const field = direction === 'in' ? 'bytesIn' : 'bytesOut'
    const exchange = tally.streams.get(streamId)
    if (exchange) {
      this.#give(exchange, field, bytes)
      return
    }
    const waiting = tally.waiting.get(streamId) ?? { bytesIn: 0, bytesOut: 0 }
    waiting[field] += bytes
    tally.waiting.set(streamId, waiting)
  }

  /**
   * Node handed over the request of stream `streamId` of `session` (its `request` event, before any
   * route); `reset` resets that stream alone (`cut`).
   */
  streamArrived(session: object, streamId: number, key: object, reset?: () => void): void {
    const tally = this.#sessions.get(session)
    if (!tally) return
    const exchange: Exchange = {
      request: key,
      tally,
      owner: undefined,
      held: { bytesIn: 0, bytesOut: 0, events: 0, emptyResponses: 0 },
      expectedIn: Number.POSITIVE_INFINITY,
      chargedIn: 0,
      done: false,
      reset
    }
    const waiting = tally.waiting.get(streamId)
    if (waiting) {
      exchange.held.bytesIn = waiting.bytesIn
      exchange.held.bytesOut = waiting.bytesOut
      tally.waiting.delete(streamId)
    }
    tally.first ??= exchange
    tally.last = exchange
    tally.streams.set(streamId, exchange)
    this.#exchanges.set(key, exchange)
  }

  /**
   * Stream `streamId` of `session` has closed (both ends sent their last frame): its exchange is over
   * and forgotten, so a connection that lives for hours keeps only its open streams.
   */
  streamClosed(session: object, streamId: number): void {
    const tally = this.#sessions.get(session)
    const exchange = tally?.streams.get(streamId)
    if (!tally || !exchange) return
    this.#end(exchange)
    tally.streams.delete(streamId)
  }

  /**
   * Node parsed a request on `socket` (its `request` or `upgrade` event, before any route runs).
   * `key` identifies it later (the IncomingMessage); `expectedInBytes` is its size on the wire when
   * known (`requestBytesOf`), so pipelined requests read together are each charged their own bytes.
   */
  requestArrived(socket: Socket, key: object, expectedInBytes = Number.POSITIVE_INFINITY): void {
    const tally = this.#sockets.get(socket)
    if (!tally) return
    chargeTls(this.#counters, tally.cost)
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
    if (client) {
      this.#counters.requested(client, row)
      this.#carried(exchange.tally, client)
    }
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

  /**
   * Cuts the traffic of `rows` made by page `client` (by any page when undefined), as a failing network
   * would: no FIN from HTTP, no close frame. Returns how many connections or streams were cut.
   * HTTP/1.x: the connections whose latest request was of one of `rows` are destroyed. HTTP/2: with
   * `streams`, those rows' open streams are reset (RST_STREAM CANCEL), the connection and the page's
   * other streams carry on (a socket's `destroy()` over HTTP/2 ends only its stream anyway); with
   * `connections` (the whole network is down), each connection in use by one of them is destroyed.
   */
  cut(client: string | undefined, rows: readonly RowName[], how: 'streams' | 'connections'): number {
    const wanted = (owner: Owner | undefined) =>
      owner !== undefined && rows.includes(owner.row) && (client === undefined || owner.client === client)
    let cut = 0
    for (const [socket, { holder }] of this.#sockets)
      if (wanted(holder)) {
        socket.destroy()
        cut++
      }
    for (const tally of this.#sessions.values()) {
      if (how === 'connections') {
        if (!ownersInUse(tally).some(wanted)) continue
        tally.cost.plaintext.destroy()
        cut++
        continue
      }
      for (const exchange of tally.streams.values())
        if (!exchange.done && exchange.reset && wanted(exchange.owner)) {
          exchange.reset()
          cut++
        }
    }
    return cut
  }

  /** Cuts the connection `request` came on, as a dead network would: over HTTP/2, every stream on it. */
  cutConnectionOf(request: { socket: Socket }): void {
    const tally = this.#exchanges.get(request)?.tally
    if (tally?.protocol === 'http2') tally.cost.plaintext.destroy()
    else request.socket.destroy()
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
    for (const tally of this.#busy.of(client)) {
      const open = tally.protocol === 'http1' ? tally.open : [...tally.open.values()]
      for (const { owner } of open) if (owner?.client === client) busy.add(owner.row)
    }
    return techniqueNames.filter((name) => busy.has(name) || (last[name] ?? 0) >= since)
  }

  /**
   * Counters for one client, or totals when `client` is undefined. Open exchanges (streamed responses,
   * WebSockets, held polls) are charged up to this instant first: for a client, only its own sockets.
   */
  report(client: string | undefined, latest: number): WireReport {
    if (client === undefined) {
      for (const tally of this.#sockets.values()) this.#charge(tally)
      for (const tally of this.#sessions.values()) chargeTls(this.#counters, tally.cost)
      return this.#counters.report(client, latest)
    }
    for (const tally of this.#busy.of(client)) this.#charge(tally)
    return { ...this.#counters.report(client, latest), connectionsNow: this.#connectionsOf.now(client) }
  }

  #end(exchange: Exchange): void {
    if (exchange.done) return
    const { tally } = exchange
    this.#charge(tally)
    exchange.done = true
    if (tally.protocol === 'http1') tally.open = tally.open.filter((open) => open !== exchange)
    // A response that ends before its route named it (a request refused early) is the page's own traffic.
    if (!exchange.owner) this.#name(exchange, pageOwner)
    else {
      this.#unbusy(exchange)
      if (tally.protocol === 'http2') streamClosed(this.#counters, tally, exchange.owner)
    }
  }

  #name(exchange: Exchange, owner: Owner): void {
    exchange.owner = owner
    const { tally, held } = exchange
    if (exchange === tally.first) this.#counters.add(owner, 'connectionsOpened', 1)
    this.#counters.add(owner, 'requests', 1)
    if (tally.protocol === 'http2') {
      this.#counters.add(owner, 'requestsOverHttp2', 1)
      if (exchange === tally.last || !tally.holder) tally.holder = owner
      if (!exchange.done) streamOpened(this.#counters, tally, owner)
      else recountInUse(this.#counters, tally)
    }
    // The newest request holds the connection; an older one named late leaves it to the newer.
    else if (exchange === tally.last || !tally.holder) {
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
    this.#forget(tally)
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

  #closedHttp2(session: object, tally: H2Tally): void {
    chargeTls(this.#counters, tally.cost)
    this.#forget(tally)
    // Frames of streams Node never handed over (refused, reset at once) are the page's own traffic.
    for (const { bytesIn, bytesOut } of tally.waiting.values()) {
      this.#counters.add(pageOwner, 'bytesIn', bytesIn)
      this.#counters.add(pageOwner, 'bytesOut', bytesOut)
    }
    tally.waiting.clear()
    for (const exchange of tally.streams.values()) {
      if (exchange.done) continue
      exchange.done = true
      if (!exchange.owner) this.#name(exchange, pageOwner)
      else this.#unbusy(exchange)
    }
    tally.open.clear()
    tally.holder = undefined
    recountInUse(this.#counters, tally)
    this.#sessions.delete(session)
  }

  /** `client` made a request on `tally`'s connection: it counts in its `connectionsNow`, and owns its cost. */
  #carried(tally: Tally, client: string): void {
    this.#connectionsOf.carried(client, tally)
    if (tally.cost) costClaimed(this.#counters, tally.cost, client)
  }

  /** The connection closed: no client counts it as open any more. */
  #forget(tally: Tally): void {
    tally.closed = true
  }

  /**
   * Charges what moved since the last charge: on an HTTP/1.x socket, bytes written to the response
   * being written and read to each request up to its size; on both kinds, TLS's own cost (`--http2`).
   */
  #charge(tally: Tally): void {
    chargeTls(this.#counters, tally.cost)
    if (tally.protocol === 'http2') return
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
