import type { IncomingMessage } from 'node:http'
import type { Http2ServerRequest, ServerHttp2Session, ServerHttp2Stream } from 'node:http2'
import { isTechniqueName, type TechniqueName } from '../../../shared/techniques.ts'
import { ConnectionHpack, type Direction } from '../h2/connection-hpack.ts'
import type { FrameHook } from '../h2/frame-hook.ts'
import { frameFlags, frameTypes } from '../h2/frame-meaning.ts'
import type { TappedFrame } from '../h2/tap-sessions.ts'
import type { CaptureStore } from './capture-store.ts'
import { http2FrameItem, type UnownedHttp2FrameItem } from './h2-frame-item.ts'
import { routeOwnerOf } from './route-owner.ts'
import type { CaptureFailed } from './socket-tap.ts'

/** Frames of a stream kept while no route has named it yet (its HEADERS, a request body's first DATA). */
const heldPerStream = 32
/** Streams followed at once on one connection; frames of streams past it are not captured. */
const streamsPerConnection = 1000
/** Connection frames (stream 0) kept until the connection's first technique stream is named. */
const heldConnectionFrames = 16

interface Owner {
  client: string
  technique: TechniqueName
}

interface StreamCapture {
  /** undefined: no route has named the stream yet (its frames are held); null: named, not captured. */
  owner: Owner | null | undefined
  held: UnownedHttp2FrameItem[]
}

/** A HEADERS (or PUSH_PROMISE) frame whose block goes on in CONTINUATIONs: its item waits for the whole block. */
interface OpenBlock {
  start: TappedFrame
  at: number
  continuations: UnownedHttp2FrameItem[]
}

interface ConnectionCapture {
  connection: number
  hpack: ConnectionHpack
  streams: Map<number, StreamCapture>
  /** The highest stream id the client opened: a frame for a lower one not followed is for a closed stream. */
  highestStream: number
  openBlocks: Record<Direction, OpenBlock | undefined>
  /** The technique of the latest stream named: the connection's own frames (stream 0) are shown with it. */
  latestOwner: Owner | undefined
  heldConnectionItems: UnownedHttp2FrameItem[]
  /** The page this connection last served, named in the log when its capture fails. */
  lastClient: string | undefined
  stopped: boolean
}

/** What the server tells the HTTP/2 capture: a route named a request, so its stream's frames are someone's. */
export interface Http2Capture {
  /** Fastify routed `request` and `markRouteOwner` said whose it is (no-op for an HTTP/1.1 request). */
  routed(request: IncomingMessage): void
}

/**
 * Captures every HTTP/2 frame, both ways, as `h2-frame` items charged to the technique and page of
 * its stream, as the HTTP/1.1 tap charges exchanges. A stream's frames are read before its route says
 * whose it is, so they are held per (connection, stream) until then; a stream never named is dropped
 * at its close. Frames of stream 0 (SETTINGS, PING, connection WINDOW_UPDATE, GOAWAY) go with the
 * technique of the connection's latest named technique stream; those before the first one wait for it.
 *
 * Every header block is HPACK-decoded, once, whoever it belongs to (the decoders' tables must see them
 * all). Unlike HTTP/1.1, no watched-page choice applies: the frame tap reads every byte anyway. A failure
 * never reaches the traffic: an HPACK error stops that direction's decoding (headers then say so), any
 * other error stops capturing the connection; each cause is reported once.
 */
export function captureHttp2Frames(hook: FrameHook, store: CaptureStore, failed: CaptureFailed): Http2Capture {
  const connections = new WeakMap<ServerHttp2Session, ConnectionCapture>()

  const keep = (owner: Owner, item: UnownedHttp2FrameItem) =>
    store.add(owner.client, Object.assign(item, { technique: owner.technique }))

  const connectionOf = (session: ServerHttp2Session): ConnectionCapture => {
    let capture = connections.get(session)
    if (capture) return capture
    const made: ConnectionCapture = {
      connection: store.nextConnection(),
      hpack: new ConnectionHpack(),
      streams: new Map(),
      highestStream: 0,
      openBlocks: { in: undefined, out: undefined },
      latestOwner: undefined,
      heldConnectionItems: [],
      lastClient: undefined,
      stopped: false
    }
    // A stream's last frames are written before Node reports its close: forget it once they have passed.
    session.on('stream', (stream: ServerHttp2Stream) =>
      stream.once('close', () => setImmediate(() => made.streams.delete(stream.id ?? 0)))
    )
    connections.set(session, made)
    capture = made
    return capture
  }

  const place = (capture: ConnectionCapture, item: UnownedHttp2FrameItem) => {
    if (item.streamId === 0) {
      if (capture.latestOwner) keep(capture.latestOwner, item)
      else if (capture.heldConnectionItems.length < heldConnectionFrames) capture.heldConnectionItems.push(item)
      return
    }
    let stream = capture.streams.get(item.streamId)
    if (!stream) {
      // Only the client's HEADERS opens a stream; anything else for an unknown stream is for one closed.
      const opens = item.direction === 'in' && item.type === frameTypes.headers && item.streamId > capture.highestStream
      if (!opens || capture.streams.size >= streamsPerConnection) return
      capture.highestStream = item.streamId
      stream = { owner: undefined, held: [] }
      capture.streams.set(item.streamId, stream)
    }
    if (stream.owner) keep(stream.owner, item)
    else if (stream.owner === undefined && stream.held.length < heldPerStream) stream.held.push(item)
  }

  const read = (session: ServerHttp2Session, frame: TappedFrame) => {
    const capture = connectionOf(session)
    if (capture.stopped) return
    const at = Date.now()
    const { direction, type, flags } = frame
    const block = capture.hpack.frame(direction, frame)
    if (block?.failure !== undefined) failed(block.failure, capture.lastClient)
    const startsBlock = type === frameTypes.headers || type === frameTypes.pushPromise
    if (startsBlock && (flags & frameFlags.endHeaders) === 0) {
      // Its item is made once the block is whole; the payload is not needed for it (nor kept: it is a view).
      capture.openBlocks[direction] = { start: { ...frame, payload: Buffer.alloc(0) }, at, continuations: [] }
      return
    }
    const open = capture.openBlocks[direction]
    if (type === frameTypes.continuation && open) {
      open.continuations.push(http2FrameItem(frame, capture.connection, at))
      if (!block) return
      capture.openBlocks[direction] = undefined
      place(capture, http2FrameItem(open.start, capture.connection, open.at, block))
      for (const continuation of open.continuations) place(capture, continuation)
      return
    }
    place(capture, http2FrameItem(frame, capture.connection, at, block))
  }

  hook.subscribe((session, frame) => {
    try {
      read(session, frame)
    } catch (error) {
      const capture = connections.get(session)
      if (capture) capture.stopped = true
      try {
        failed(error, capture?.lastClient)
      } catch {
        // Reporting must not disturb the traffic either.
      }
    }
  })

  return {
    routed: (request) => {
      const stream = (request as unknown as Http2ServerRequest).stream as ServerHttp2Stream | undefined
      if (!stream) return
      const capture = connections.get(stream.session as ServerHttp2Session)
      const streamCapture = capture?.streams.get(stream.id ?? 0)
      if (!capture || !streamCapture || streamCapture.owner !== undefined) return
      const route = routeOwnerOf(request)
      capture.lastClient = route?.client ?? capture.lastClient
      const owned =
        route !== undefined && isTechniqueName(route.row) && route.client !== undefined && store.admits(route.client)
      const owner = owned ? { client: route.client as string, technique: route.row as TechniqueName } : null
      streamCapture.owner = owner
      const held = streamCapture.held
      streamCapture.held = []
      if (!owner) return
      capture.latestOwner = owner
      for (const item of capture.heldConnectionItems.splice(0)) keep(owner, item)
      for (const item of held) keep(owner, item)
    }
  }
}
