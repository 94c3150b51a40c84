import type { Socket } from 'node:net'
import { isTechniqueName, type TechniqueName } from '../../shared/techniques.ts'
import { clientIdPattern } from '../schemas.ts'
import type { CaptureStore } from './capture-store.ts'
import { HttpStream } from './http-stream.ts'

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

/**
 * Captures what crosses one accepted socket, as bytes: what the server reads (a
 * `data` listener put in front of Node's own) and what it writes (this socket's
 * `write` and `end`, which Node's HTTP server and `ws` both call). Over TLS, pass
 * the TLS socket: its bytes are the plaintext HTTP; `counted` is the socket whose
 * byte counters the `closed` item reports.
 *
 * Capturing must never disturb the traffic: every step is guarded, and a socket
 * whose bytes stop making sense is simply no longer captured.
 */
export function tapSocket(socket: Socket, store: CaptureStore, counted: Socket = socket): void {
  const connection = store.nextConnection()
  const connectedAt = Date.now()
  let requests = 0
  let lastOwner: Owner | undefined
  let capturing = true
  // `ws` puts back (`unshift`) the bytes that came right behind the Upgrade request; they arrive as `data` a second time.
  let replayed = 0

  const stream = new HttpStream<Owner>({
    owner: ({ target }) => {
      const newConnection = requests++ === 0
      const named = ownerOf(target)
      if (!named) return undefined
      lastOwner = { ...named, newConnection }
      return lastOwner
    },
    request: ({ client, technique, newConnection }, { at, head, bodyBytes }) => {
      store.add(client, {
        kind: 'request',
        technique,
        connection,
        at,
        newConnection,
        connectedAt,
        ...cut(head),
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
        ...kept,
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
      store.add(client, { kind: 'frame', technique, connection, direction, ...frame })
    }
  })

  const stop = () => {
    capturing = false
    socket.removeListener('data', onData)
  }
  const guarded = (step: () => void) => {
    if (!capturing) return
    try {
      step()
    } catch {
      stop()
    }
  }

  const onData = (chunk: Buffer) =>
    guarded(() => {
      if (replayed > 0) {
        const skip = Math.min(replayed, chunk.length)
        replayed -= skip
        chunk = chunk.subarray(skip)
      }
      if (chunk.length > 0) stream.read(chunk, Date.now())
    })
  socket.prependListener('data', onData)

  const wrote = (chunk: unknown, encoding: unknown) =>
    guarded(() => {
      const bytes = bytesOf(chunk, encoding)
      if (bytes && bytes.length > 0) stream.wrote(bytes, Date.now())
    })
  const write = socket.write as (...args: unknown[]) => boolean
  socket.write = function tappedWrite(this: Socket, ...args: unknown[]): boolean {
    wrote(args[0], args[1])
    return write.apply(this, args)
  } as Socket['write']
  const end = socket.end as (...args: unknown[]) => Socket
  socket.end = function tappedEnd(this: Socket, ...args: unknown[]): Socket {
    if (typeof args[0] !== 'function') wrote(args[0], args[1])
    return end.apply(this, args)
  } as Socket['end']
  const unshift = socket.unshift as (...args: unknown[]) => void
  socket.unshift = function tappedUnshift(this: Socket, ...args: unknown[]): void {
    if (capturing) replayed += bytesOf(args[0], args[1])?.length ?? 0
    unshift.apply(this, args)
  } as Socket['unshift']

  socket.once('close', () => {
    guarded(() => stream.closed())
    capturing = false
    if (!lastOwner) return
    const { client, technique } = lastOwner
    const bytes = { bytesIn: counted.bytesRead, bytesOut: counted.bytesWritten }
    store.add(client, { kind: 'closed', technique, connection, at: Date.now(), ...bytes })
  })
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
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  return undefined
}
