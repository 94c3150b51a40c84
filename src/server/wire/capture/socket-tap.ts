import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { isTechniqueName, type TechniqueName } from '../../../shared/techniques.ts'
import type { CaptureStore } from './capture-store.ts'
import { HttpStream } from './http-stream.ts'
import type { Claim } from './http-stream-handlers.ts'
import { routeOwnerOf } from './route-owner.ts'
import type { UnseenCaptures } from './unseen-captures.ts'
import type { WatchedPages } from './watched-pages.ts'

/** Heads longer than this are kept cut (and marked `truncated`). */
export const headLimitBytes = 8 * 1024

/** Whose an exchange is: the page and technique its route named. */
interface Owner {
  client: string
  technique: TechniqueName
  /** The request was the first on its connection. */
  newConnection: boolean
}

/** What the server tells a tap about its socket, from Node's HTTP server events. */
export interface SocketTap {
  /** Node parsed a request on this socket (`request` event). */
  request(request: IncomingMessage, response: ServerResponse): void
  /** Node parsed an Upgrade request on this socket (`upgrade` event): frames follow. */
  upgrade(request: IncomingMessage): void
  /** A route said whose `request` is (`markRouteOwner`): its exchange can be reported. */
  routed(request: IncomingMessage): void
}

/** Told of every error the capture swallowed, with the page the socket last served (if any). */
export type CaptureFailed = (error: unknown, client: string | undefined) => void

export interface TapOptions {
  /** The socket whose byte counters the `closed` item reports (under TLS, the TCP socket). */
  counted?: Socket
  /** Whose requests are read as bytes; without it, every request is read by Node's parser. */
  watched?: WatchedPages
  /** Hears of each error the capture swallowed (it then stops capturing this socket). */
  failed?: CaptureFailed
  /** Where a socket serving a page nobody has in view goes on trial (without: every page is captured). */
  unseen?: UnseenCaptures
}

/**
 * A request head rebuilt from what Node parsed, NOT the bytes received: the request line,
 * then every header with its own spelling, in order (`rawHeaders`); Node trims the optional
 * whitespace around values, and the request line is written anew.
 */
function headOf(request: IncomingMessage): string {
  let head = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) head += `${raw[i]}: ${raw[i + 1]}\r\n`
  return `${head}\r\n`
}

/**
 * Captures what crosses one accepted socket. What the server writes is captured as bytes
 * (this socket's `write` and `end`, which Node's HTTP server and `ws` both call); after an
 * Upgrade, the WebSocket frames the client sends too. HTTP requests are read in one of two ways:
 *
 * - as Node parsed them (`parsed-by-node`), the default: the head rebuilt from `rawHeaders`,
 *   the body counted as Node delivers it. A `data` listener would take Node's HTTP parser off
 *   its native path (it reads the socket's handle directly), which costs every request.
 * - as bytes (`socket-bytes`) on the connections of a watched page (`WatchedPages`): from the
 *   first byte when the connection comes from a watched address, or from the next exchange
 *   when its address becomes watched. Only those sockets leave Node's native path.
 *
 * Over TLS, pass the TLS socket: its bytes are the plaintext HTTP. Capturing must never
 * disturb the traffic: every step is guarded, and a socket whose bytes stop making sense is
 * simply no longer captured.
 */
export function tapSocket(
  socket: Socket,
  store: CaptureStore,
  { counted = socket, watched, failed, unseen }: TapOptions = {}
): SocketTap {
  const connection = store.nextConnection()
  const connectedAt = Date.now()
  // Requests Node parsed (the stream counts the heads it has seen, read as bytes or handed over parsed).
  let parsedByNode = 0
  let lastOwner: Owner | undefined
  // The page this socket last served, captured or not: named in the log when the capture fails.
  let lastClient: string | undefined
  // Node's requests by their place on the connection, until their exchange knows whose it is.
  const incoming = new Map<number, IncomingMessage>()
  let capturing = true
  // Frames are read as bytes once the connection is upgraded, even when its HTTP was read by Node.
  let upgraded = false
  // Requests are read as bytes: this socket is off Node's native parser path.
  let readingBytes = false
  // `ws` puts back (`unshift`) the bytes that came right behind the Upgrade request; read as bytes, they arrive twice.
  let replayed = 0
  // Serving a page nobody had in view, this socket was given a few seconds for the page to come into view.
  let onTrial = false
  // The pages it captured for meanwhile (behind a proxy, one connection carries many).
  const unseenClients = new Set<string>()
  /** The grace has passed: go on only for a page now in view; drop what was kept of the others. */
  const settleTrial = () => {
    if (![...unseenClients].some((client) => store.inView(client))) stop()
    for (const client of unseenClients) store.forget(client)
    unseenClients.clear()
  }

  const stream = new HttpStream<Owner>({
    owner: ({ index }): Claim<Owner> | undefined => {
      const request = incoming.get(index)
      const route = request && routeOwnerOf(request)
      if (!route) return undefined
      incoming.delete(index)
      lastClient = route.client ?? lastClient
      const { row, client, streams } = route
      if (!isTechniqueName(row) || client === undefined || !store.admits(client)) return { tag: undefined, streams }
      if (unseen && !store.inView(client)) {
        unseenClients.add(client)
        if (!onTrial) unseen.add(settleTrial)
        onTrial = true
      }
      lastOwner = { client, technique: row, newConnection: index === 0 }
      return { tag: lastOwner, streams }
    },
    request: ({ client, technique, newConnection }, { at, head, bodyBytes, source }) => {
      const kept = cut(head)
      store.add(client, {
        kind: 'request',
        technique,
        connection,
        at,
        source,
        newConnection,
        connectedAt,
        head: kept.head,
        headBytes: kept.headBytes,
        truncated: kept.truncated,
        bodyBytes
      })
    },
    response: ({ client, technique }, { at, status, head, bodyBytes, bodyStart, endAt }) => {
      const { truncated, ...kept } = cut(head)
      store.add(client, {
        kind: 'response',
        technique,
        connection,
        at,
        status,
        head: kept.head,
        headBytes: kept.headBytes,
        bodyBytes,
        bodyStart: bodyStart.toString('utf8'),
        ...(endAt === undefined ? {} : { endAt }),
        truncated: truncated || bodyStart.length < bodyBytes
      })
    },
    stream: ({ client, technique }, { at, sizeLine, data, bytes, truncated }) => {
      store.add(client, {
        kind: 'stream',
        technique,
        connection,
        at,
        chunkSize: sizeLine,
        text: data.toString('utf8'),
        bytes,
        truncated
      })
    },
    upgraded: ({ client }, requestHead, responseHead) => {
      store.recordHandshake(client, { connection, requestHead, responseHead })
    },
    frame: ({ client, technique }, direction, frame) => {
      store.add(client, Object.assign(frame, { kind: 'frame' as const, technique, connection, direction }))
    }
  })

  const stop = () => {
    capturing = false
    if (readingBytes) socket.removeListener('data', onBytes)
    // The socket's own methods again: from here its writes cost what they would without a tap.
    for (const [name, tapped] of tappedMethods) if (socket[name] === tapped) delete socket[name]
  }
  const guarded = (step: () => void) => {
    if (!capturing) return
    try {
      step()
    } catch (error) {
      stop()
      try {
        failed?.(error, lastClient)
      } catch {
        // Reporting must not disturb the traffic either.
      }
    }
  }

  // Put in front of Node's own `data` listener, so a head is read before Node reports its request.
  const onBytes = (chunk: Buffer) =>
    guarded(() => {
      if (replayed > 0) {
        const skip = Math.min(replayed, chunk.length)
        replayed -= skip
        chunk = chunk.subarray(skip)
      }
      if (chunk.length > 0) stream.read(chunk, Date.now())
    })
  const readBytes = () => {
    // After an Upgrade a listener would set the socket flowing before `ws` is ready to read it.
    if (readingBytes || upgraded || !capturing) return
    readingBytes = true
    // Node's HTTP server takes the socket off its native parser path when it gets a `data` listener.
    socket.prependListener('data', onBytes)
  }
  const unshift = socket.unshift as (...args: unknown[]) => void
  socket.unshift = function tappedUnshift(this: Socket, ...args: unknown[]): void {
    if (readingBytes && capturing) replayed += bytesOf(args[0], args[1])?.length ?? 0
    unshift.apply(this, args)
  } as Socket['unshift']

  // Frames of a connection whose HTTP Node read are seen by wrapping `emit`, not by listening:
  // a listener added after the Upgrade would set the socket flowing before `ws` is ready to read it.
  const emit = socket.emit as (...args: unknown[]) => boolean
  socket.emit = function tappedEmit(this: Socket, ...args: unknown[]): boolean {
    if (upgraded && !readingBytes && capturing && args[0] === 'data') {
      const chunk = args[1] as Buffer
      guarded(() => stream.read(chunk, Date.now()))
    }
    return emit.apply(this, args)
  } as Socket['emit']

  const wrote = (chunk: unknown, encoding: unknown) =>
    guarded(() => {
      const bytes = bytesOf(chunk, encoding)
      if (bytes && bytes.length > 0) stream.wrote(bytes, Date.now())
      // A WebSocket the capture does not keep (the page's stats channel, a page past the store's room)
      // costs nothing more from here: in a lecture hall, that is most sockets and most writes.
      if (stream.ignoring) stop()
    })
  const write = socket.write as (...args: unknown[]) => boolean
  socket.write = function tappedWrite(this: Socket, ...args: unknown[]): boolean {
    if (capturing) wrote(args[0], args[1])
    return write.apply(this, args)
  } as Socket['write']
  const end = socket.end as (...args: unknown[]) => Socket
  socket.end = function tappedEnd(this: Socket, ...args: unknown[]): Socket {
    if (capturing && typeof args[0] !== 'function') wrote(args[0], args[1])
    return end.apply(this, args)
  } as Socket['end']
  const tappedMethods = [
    ['write', socket.write],
    ['end', socket.end],
    ['emit', socket.emit],
    ['unshift', socket.unshift]
  ] as const
  socket.once('close', () => {
    guarded(() => stream.closed())
    guarded(() => {
      if (!lastOwner) return
      const { client, technique } = lastOwner
      const bytes = { bytesIn: counted.bytesRead, bytesOut: counted.bytesWritten }
      store.add(client, { kind: 'closed', technique, connection, at: Date.now(), ...bytes })
    })
    capturing = false
  })

  const watchedNow = () => watched?.watchesAddress(socket.remoteAddress) ?? false
  // A connection is chosen before its first byte: by the address it comes from.
  if (watchedNow()) readBytes()

  /** Hands a request Node parsed to the stream, unless its bytes were read already. */
  const parsed = (request: IncomingMessage): boolean => {
    // A request whose bytes arrived before the switch to bytes took effect is still taken from Node.
    incoming.set(parsedByNode, request)
    if (++parsedByNode <= stream.requestsSeen) return false
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0
    guarded(() => stream.parsedRequest(headOf(request), Date.now(), hasBody))
    if (hasBody && capturing) countBody(request)
    return true
  }
  /** Counts the body as Node's parser hands it to the request stream (`push`), chunk framing removed. */
  const countBody = (incoming: IncomingMessage) => {
    const push = incoming.push as (...args: unknown[]) => boolean
    incoming.push = function countedPush(this: IncomingMessage, ...args: unknown[]): boolean {
      const chunk = args[0]
      if (chunk === null) guarded(() => stream.parsedBodyEnd())
      else guarded(() => stream.parsedBody(bytesOf(chunk, args[1])?.length ?? 0))
      return push.apply(this, args)
    } as IncomingMessage['push']
  }
  return {
    request: (request, response) => {
      // A socket no longer captured keeps nothing of its requests (a kept-alive one may carry thousands more).
      if (!capturing) return
      // Once a watched page's address is seen, the next exchange on this connection is read as bytes.
      if (parsed(request) && !readingBytes && watchedNow())
        response.once('finish', () => guarded(() => stream.idle && readBytes()))
    },
    upgrade: (request) => {
      if (!capturing) return
      parsed(request)
      upgraded = true
    },
    routed: () => guarded(() => stream.ownersKnown())
  }
}

/** A head as kept: cut to the limit, with its real size. Heads are latin1, one character per byte. */
function cut(head: string): { head: string; headBytes: number; truncated: boolean } {
  const truncated = head.length > headLimitBytes
  return { head: truncated ? head.slice(0, headLimitBytes) : head, headBytes: head.length, truncated }
}

/** The bytes a `write(chunk, encoding)` call puts on the wire. */
function bytesOf(chunk: unknown, encoding: unknown): Buffer | undefined {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, Buffer.isEncoding(encoding as string) ? (encoding as BufferEncoding) : 'utf8')
  // The very buffer when it is one: a frame written to many sockets is then recognized as the same frame.
  if (Buffer.isBuffer(chunk)) return chunk
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return undefined
}
