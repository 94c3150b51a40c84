import { type AddressInfo, connect, createServer, type Server, Socket } from 'node:net'

/**
 * Where a cut landed. `mid-message`: the client got part of a server write (a JSON body,
 * an SSE block, a WebSocket frame) and then nothing. `between-messages`: the connection
 * was idle, every write so far had arrived whole.
 */
export type CutKind = 'mid-message' | 'between-messages'

/** How long a `mid-message` cut waits for the server to write on its link before cutting it idle. */
const maxWaitForChunkMs = 1_000

/** One client connection and the connection the proxy opened to the server for it. */
interface Link {
  client: Socket
  upstream: Socket
  /** Set by a `mid-message` cut: what to do with the next server→client chunk instead of forwarding it. */
  cutNextChunk?: (chunk: Buffer) => void
  /** Called once when either side closes, so a cut waiting on this link can pick another. */
  onClose?: () => void
}

/**
 * A TCP proxy in front of a test server that cuts connections on demand, the way a
 * Wi-Fi drop or a load balancer restart does: the client and the server each see
 * their socket die, possibly with a message half delivered.
 */
export class FaultProxy {
  /** How many cuts of each kind have been made. */
  readonly cuts: Record<CutKind, number> = { 'mid-message': 0, 'between-messages': 0 }
  #server: Server
  #targetPort: number
  #links = new Set<Link>()
  // cut() calls waiting for a connection to open.
  #waiting = new Set<() => void>()
  #closed = false
  #partitioned = false

  private constructor(server: Server, targetPort: number) {
    this.#server = server
    this.#targetPort = targetPort
    server.on('connection', (client) => this.#open(client))
  }

  /** Listens on 127.0.0.1 (a free port) and forwards every connection to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<FaultProxy> {
    const server = createServer()
    const proxy = new FaultProxy(server, targetPort)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  /** The port clients connect to instead of the server's. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port
  }

  /** Cuts made so far, of both kinds. */
  get cutCount(): number {
    return this.cuts['mid-message'] + this.cuts['between-messages']
  }

  /**
   * Cuts one open connection, chosen at random, at a random kind of point; waits for a
   * connection first if none is open. Resolves with the kind once the cut is made.
   */
  async cut(): Promise<CutKind> {
    const link = await this.#someLink()
    const kind: CutKind = Math.random() < 0.5 ? 'mid-message' : 'between-messages'
    if (kind === 'between-messages') {
      destroy(link)
      this.cuts[kind]++
      return kind
    }
    const cutDone = await new Promise<boolean | 'idle'>((resolve) => {
      // A link the server no longer writes on (an idle pooled connection) would hold this cut until a
      // keep-alive timeout ends it: after a while it is cut as it is, between messages.
      const idle = setTimeout(() => resolve('idle'), maxWaitForChunkMs)
      link.cutNextChunk = (chunk) => {
        clearTimeout(idle)
        // A strict prefix, at least one byte when there are two: the client sees the message start, never its end.
        const keep = chunk.length > 1 ? 1 + Math.floor(Math.random() * (chunk.length - 1)) : 0
        link.upstream.pause()
        link.cutNextChunk = () => {} // anything the server still sends is dropped
        link.client.write(chunk.subarray(0, keep), () => destroy(link))
        resolve(true)
      }
      // The connection ended on its own before the server wrote again: this cut goes elsewhere.
      link.onClose = () => {
        clearTimeout(idle)
        resolve(false)
      }
    })
    if (!cutDone) return this.cut()
    if (cutDone === 'idle') {
      destroy(link)
      this.cuts['between-messages']++
      return 'between-messages'
    }
    this.cuts[kind]++
    return kind
  }

  /**
   * A network cut: nothing crosses any more, either way, on the connections open now or on new ones,
   * and nobody is told (no FIN, no RST: packets are just lost). `heal()` ends it; the connections held
   * meanwhile are then reset, as a path that lost their state would.
   */
  partition(): void {
    this.#partitioned = true
    for (const link of this.#links) {
      link.client.unpipe(link.upstream)
      link.client.pause()
      link.upstream.pause()
    }
  }

  heal(): void {
    this.#partitioned = false
    for (const link of this.#links) destroy(link)
  }

  /** Stops listening and cuts every connection; pending and later cut() calls reject. */
  async close(): Promise<void> {
    this.#closed = true
    for (const wake of this.#waiting) wake()
    for (const link of this.#links) destroy(link)
    await new Promise((resolve) => this.#server.close(resolve))
  }

  #open(client: Socket): void {
    // Cut off: the connection is accepted here but leads nowhere, as a SYN lost on the way would.
    if (this.#partitioned) {
      client.pause()
      client.on('error', () => {})
      const held = { client, upstream: new Socket() }
      this.#links.add(held)
      client.on('close', () => this.#links.delete(held))
      return
    }
    const upstream = connect(this.#targetPort, '127.0.0.1')
    const link: Link = { client, upstream }
    this.#links.add(link)
    for (const wake of this.#waiting) wake()

    // Faults are only injected on the way back, so requests and client frames are simply piped.
    client.pipe(upstream)
    upstream.on('data', (chunk: Buffer) => {
      if (link.cutNextChunk) return link.cutNextChunk(chunk)
      if (client.write(chunk)) return
      // The client reads slower than the server writes: stop reading until it catches up.
      upstream.pause()
      client.once('drain', () => upstream.resume())
    })
    // A closed or failed side takes the other one with it, as a broken network path would.
    for (const socket of [client, upstream]) {
      socket.on('error', () => destroy(link))
      socket.on('close', () => {
        destroy(link)
        if (this.#links.delete(link)) link.onClose?.()
      })
    }
  }

  async #someLink(): Promise<Link> {
    for (;;) {
      if (this.#closed) throw new Error('the fault proxy is closed')
      const open = [...this.#links].filter((link) => !link.cutNextChunk && !link.client.destroyed)
      const link = open[Math.floor(Math.random() * open.length)]
      if (link) return link
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiting.delete(wake)
          resolve()
        }
        this.#waiting.add(wake)
      })
    }
  }
}

function destroy({ client, upstream }: Link): void {
  client.destroy()
  upstream.destroy()
}
