import type { Socket } from 'node:net'
import type { RowName, TechniqueName } from '../../shared/techniques.ts'
import { otherRowNames, techniqueNames } from '../../shared/techniques.ts'
import type { WireCounters, WireReport } from '../../shared/wire-stats.ts'
import { emptyCounters } from '../../shared/wire-stats.ts'

type Rows = Record<RowName, WireCounters>

/** Who a socket's bytes are charged to: the row and client of the request it is serving. */
interface Owner {
  row: RowName
  client: string | undefined
}

/** Per-socket bookkeeping: how much of the socket's byte counters has already been charged, and to whom. */
interface SocketTally {
  owner: Owner | undefined
  /** The socket whose counters are read: the TCP socket itself, or the one under a TLS socket. */
  counted: Socket
  chargedRead: number
  chargedWritten: number
  /** True from a request's first byte until its response is done (or, for streams, until the socket closes). */
  busy: boolean
}

const allRowNames: readonly RowName[] = [...techniqueNames, ...otherRowNames]
const pageOwner: Owner = { row: 'page', client: undefined }

function emptyRows(): Rows {
  return Object.fromEntries(allRowNames.map((name) => [name, emptyCounters()])) as Rows
}

/**
 * Counts what really crosses each TCP socket, per technique and per client.
 *
 * Bytes come from the kernel-facing counters Node keeps on every socket
 * (`bytesRead`, `bytesWritten`), so HTTP heads, chunk framing and WebSocket frame
 * headers are all included. A keep-alive socket can serve requests of several
 * techniques in turn; each request is charged the bytes that moved between its
 * start and the end of its response.
 */
export class WireAccounting {
  #totals = emptyRows()
  #clients = new Map<string, Rows>()
  /** When each client last began a request of each row, epoch ms. */
  #lastRequest = new Map<string, Partial<Record<RowName, number>>>()
  #sockets = new Map<Socket, SocketTally>()
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
    const tally: SocketTally = { owner: undefined, counted, chargedRead: 0, chargedWritten: 0, busy: false }
    this.#sockets.set(socket, tally)
    socket.once('close', () => {
      // A connection that never carried a request (a preconnect, a malformed head) still cost a handshake.
      if (!tally.owner) {
        tally.owner = pageOwner
        this.#add(pageOwner, 'connectionsOpened', 1)
      } else {
        this.#add(tally.owner, 'openConnections', -1)
      }
      this.#chargeBytes(tally)
      this.#sockets.delete(socket)
    })
  }

  /**
   * A request of `row` began on `socket`, made by page `client`. Returns true when it is the first
   * request on its connection: the one charged the TCP handshake.
   */
  beginRequest(socket: Socket, row: RowName, client: string | undefined): boolean {
    const tally = this.#sockets.get(socket)
    if (!tally) return false
    const newConnection = !tally.owner
    const owner: Owner = { row, client }
    // Whatever moved before this request belongs to the previous one.
    if (tally.owner) {
      this.#chargeWritten(tally)
      this.#add(tally.owner, 'openConnections', -1)
    } else {
      this.#add(owner, 'connectionsOpened', 1)
    }
    tally.owner = owner
    tally.busy = true
    this.#add(owner, 'openConnections', 1)
    this.#add(owner, 'requests', 1)
    this.#chargeBytes(tally)
    if (client) {
      this.#touch(client)
      const last = this.#lastRequest.get(client)
      if (last) last[row] = Date.now()
      else this.#lastRequest.set(client, { [row]: Date.now() })
    }
    return newConnection
  }

  /** The response on `socket` is complete: charge what it wrote. */
  endRequest(socket: Socket): void {
    const tally = this.#sockets.get(socket)
    if (!tally) return
    this.#chargeBytes(tally)
    tally.busy = false
  }

  /** `count` feed events were delivered over `socket`. */
  countEvents(socket: Socket, count: number): void {
    const owner = this.#sockets.get(socket)?.owner
    if (owner && count > 0) this.#add(owner, 'events', count)
  }

  /** The sockets whose latest request was of `row`, made by page `client` (by any page when undefined). */
  socketsOf(client: string | undefined, row: RowName): Socket[] {
    return [...this.#sockets]
      .filter(([, { owner }]) => owner?.row === row && (client === undefined || owner.client === client))
      .map(([socket]) => socket)
  }

  /**
   * The techniques `client` is using now: a request of it in progress (a held poll, a stream, a
   * WebSocket), or one begun within the last `withinMs`. An idle kept-alive connection does not count.
   */
  activeTechniques(client: string, withinMs: number): TechniqueName[] {
    const last = this.#lastRequest.get(client) ?? {}
    const since = Date.now() - withinMs
    const busy = new Set<RowName>()
    for (const { owner, busy: inProgress } of this.#sockets.values())
      if (inProgress && owner?.client === client) busy.add(owner.row)
    return techniqueNames.filter((name) => busy.has(name) || (last[name] ?? 0) >= since)
  }

  /** A poll or long poll on `socket` was answered with no event. */
  countEmptyResponse(socket: Socket): void {
    const owner = this.#sockets.get(socket)?.owner
    if (owner) this.#add(owner, 'emptyResponses', 1)
  }

  /**
   * Counters for one client, or totals when `client` is undefined.
   * Open streams (SSE, WebSocket, held polls) are charged up to this instant first.
   */
  report(client: string | undefined, latest: number): WireReport {
    for (const tally of this.#sockets.values()) if (tally.busy) this.#chargeBytes(tally)
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

  /** Charges the socket's bytes moved since the last charge to its owner; held until a first request names one. */
  #chargeBytes(tally: SocketTally): void {
    if (!tally.owner) return
    this.#chargeWritten(tally)
    const read = tally.counted.bytesRead
    this.#add(tally.owner, 'bytesIn', read - tally.chargedRead)
    tally.chargedRead = read
  }

  #chargeWritten(tally: SocketTally): void {
    if (!tally.owner) return
    const written = tally.counted.bytesWritten
    this.#add(tally.owner, 'bytesOut', written - tally.chargedWritten)
    tally.chargedWritten = written
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
