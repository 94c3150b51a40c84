import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { isTechniqueName, type TechniqueName } from '../../shared/techniques.ts'
import { clientIdPattern } from '../schemas.ts'
import type { CaptureStore } from './capture-store.ts'
import { HttpStream } from './http-stream.ts'
import type { WatchedPages } from './watched-pages.ts'

/** Heads longer than this are kept cut (and marked `truncated`). */
export const headLimitBytes = 8 * 1024

/** Whose an exchange is: the page and technique named by its request line. */
interface Owner {
  client: string
  technique: TechniqueName
  /** The request was the first on its connection. */
  newConnection: boolean
}

/**
 * `/feed/<technique>?client=<id>` names the page and technique a request belongs to.
 * It is read from the raw request target, because the capture runs before (and
 * apart from) Node's parser and Fastify's routing.
 */
export function ownerOf(target: string): { client: string; technique: TechniqueName } | undefined {
  const query = target.indexOf('?')
  const path = query < 0 ? target : target.slice(0, query)
  if (!path.startsWith('/feed/') || query < 0) return undefined
  const technique = path.slice('/feed/'.length)
  if (!isTechniqueName(technique)) return undefined
  const client = new URLSearchParams(target.slice(query + 1)).get('client')
  return client !== null && clientIdPattern.test(client) ? { client, technique } : undefined
}

/** What the server tells a tap about its socket, from Node's HTTP server events. */
export interface SocketTap {
  /** Node parsed a request on this socket (`request` event). */
  request(request: IncomingMessage, response: ServerResponse): void
  /** Node parsed an Upgrade request on this socket (`upgrade` event): frames follow. */
  upgrade(request: IncomingMessage): void
}

export interface TapOptions {
  /** The socket whose byte counters the `closed` item reports (under TLS, the TCP socket). */
  counted?: Socket
  /** Whose requests are read as bytes; without it, every request is read by Node's parser. */
  watched?: WatchedPages
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
  { counted = socket, watched }: TapOptions = {}
): SocketTap {
  const connection = store.nextConnection()
  const connectedAt = Date.now()
  // Request heads the stream has seen (read as bytes or handed over parsed), and requests Node parsed.
  let requests = 0
  let parsedByNode = 0
  let lastOwner: Owner | undefined
  let capturing = true
  // Frames are read as bytes once the connection is upgraded, even when its HTTP was read by Node.
  let upgraded = false
  // Requests are read as bytes: this socket is off Node's native parser path.
  let readingBytes = false
  // `ws` puts back (`unshift`) the bytes that came right behind the Upgrade request; read as bytes, they arrive twice.
  let replayed = 0

  const stream = new HttpStream<Owner>({
    owner: ({ target }) => {
      const newConnection = requests++ === 0
      const named = ownerOf(target)
      if (!named || !store.admits(named.client)) return undefined
      lastOwner = { ...named, newConnection }
      return lastOwner
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
    upgraded: ({ client, technique }, requestHead, responseHead) => {
      if (technique === 'websocket') store.recordHandshake(client, { connection, requestHead, responseHead })
    },
    frame: ({ client, technique }, direction, frame) => {
      store.add(client, Object.assign(frame, { kind: 'frame' as const, technique, connection, direction }))
    }
  })

  const stop = () => {
    capturing = false
    if (readingBytes) socket.removeListener('data', onBytes)
  }
  const guarded = (step: () => void) => {
    if (!capturing) return
    try {
      step()
    } catch {
      stop()
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
  socket.once('close', () => {
    guarded(() => stream.closed())
    capturing = false
    if (!lastOwner) return
    const { client, technique } = lastOwner
    const bytes = { bytesIn: counted.bytesRead, bytesOut: counted.bytesWritten }
    store.add(client, { kind: 'closed', technique, connection, at: Date.now(), ...bytes })
  })

  const watchedNow = () => watched?.watchesAddress(socket.remoteAddress) ?? false
  // A connection is chosen before its first byte: by the address it comes from.
  if (watchedNow()) readBytes()

  /** Hands a request Node parsed to the stream, unless its bytes were read already. */
  const parsed = (incoming: IncomingMessage): boolean => {
    // A request whose bytes arrived before the switch to bytes took effect is still taken from Node.
    if (++parsedByNode <= requests) return false
    const hasBody =
      incoming.headers['transfer-encoding'] !== undefined || Number(incoming.headers['content-length'] ?? 0) > 0
    guarded(() => stream.parsedRequest(headOf(incoming), Date.now(), hasBody))
    if (hasBody && capturing) countBody(incoming)
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
    request: (incoming, response) => {
      // Once a watched page's address is seen, the next exchange on this connection is read as bytes.
      if (parsed(incoming) && !readingBytes && watchedNow())
        response.once('finish', () => guarded(() => stream.idle && readBytes()))
    },
    upgrade: (incoming) => {
      parsed(incoming)
      upgraded = true
    }
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
