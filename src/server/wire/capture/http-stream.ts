import type { RequestSource } from '../../../shared/capture.ts'
import { type CapturedResponse, keepBodyStart, responseOf } from './captured-response.ts'
import { type Exchange, exchangeOf, ParsedBody } from './http-exchange.ts'
import { type Body, bodyOf, CaptureConfused, ChunkedBody, HeadReader, httpLimits, LengthBody } from './http-framing.ts'
import type { HttpStreamHandlers } from './http-stream-handlers.ts'
import { UpgradeHold } from './upgrade-hold.ts'
import { FrameDecoder } from './websocket-frames.ts'

export type { CapturedChunk } from './http-framing.ts'

type Side = 'head' | 'body' | 'parsed-body' | 'upgrade-pending' | 'websocket' | 'ignore'

/**
 * Follows both directions of one HTTP/1.1 connection, byte for byte: request heads
 * and bodies coming in, response heads and bodies going out (Content-Length,
 * chunked, or until close), and after a `101` the WebSocket frames both ways.
 * Requests wait in order for their responses, so pipelined requests and responses
 * to HEAD (which have no body) stay in step.
 */
export class HttpStream<Tag> {
  #handlers: HttpStreamHandlers<Tag>
  #in: Side = 'head'
  #out: Side = 'head'
  #inHead = new HeadReader()
  #outHead = new HeadReader()
  #inBody: Body | undefined
  #outBody: Body | undefined
  /** Requests whose response has not started, oldest first. */
  #awaiting: Exchange<Tag>[] = []
  /** The request whose body is arriving. */
  #reading: Exchange<Tag> | undefined
  /** The response being written, and what is kept of its body. */
  #writing: { tag: Tag | undefined; response: CapturedResponse; streaming: boolean } | undefined
  /** Bytes that came after an Upgrade request, held until the server says whether it switches. */
  #held = new UpgradeHold()
  #inFrames: FrameDecoder | undefined
  #outFrames: FrameDecoder | undefined
  #lastWriteAt = 0
  #requests = 0

  constructor(handlers: HttpStreamHandlers<Tag>) {
    this.#handlers = handlers
  }

  /**
   * A request Node's HTTP parser has read, its head rebuilt from the parsed request. Its bytes
   * never pass through here (see `tapSocket`); with `hasBody`, the body is counted as Node
   * delivers it (`parsedBody`, then `parsedBodyEnd`). What follows an Upgrade comes through `read`.
   */
  parsedRequest(head: string, at: number, hasBody: boolean): void {
    if (this.#in !== 'head') throw new CaptureConfused('a request before the last one was read')
    this.#requestHead(head, at, hasBody ? 'parsed-body' : 'parsed-no-body')
  }

  /** Node delivered `bytes` of the parsed request's body (chunk framing removed). */
  parsedBody(bytes: number): void {
    if (this.#in === 'parsed-body') (this.#inBody as ParsedBody).bytes += bytes
  }

  /** Node delivered the parsed request's whole body. */
  parsedBodyEnd(): void {
    if (this.#in !== 'parsed-body') return
    ;(this.#inBody as ParsedBody).done = true
    this.#requestDone()
  }

  /** Request heads seen so far, read as bytes or handed over parsed. */
  get requestsSeen(): number {
    return this.#requests
  }

  /** Between exchanges: no request or response under way, so requests may start to be read as bytes. */
  get idle(): boolean {
    return this.#in === 'head' && this.#out === 'head' && this.#awaiting.length === 0 && this.#inHead.empty
  }

  /** True once nothing more on this connection will be captured (a WebSocket or an event stream no page owns). */
  get ignoring(): boolean {
    return this.#in === 'ignore' && this.#out === 'ignore'
  }

  /** Bytes the server read from the client. */
  read(chunk: Buffer, at: number): void {
    let offset = 0
    while (offset < chunk.length) {
      if (this.#in === 'head') {
        const found = this.#inHead.read(chunk, offset, at)
        offset = found.next
        if (found.head !== undefined) this.#requestHead(found.head, found.at)
      } else if (this.#in === 'body' || this.#in === 'parsed-body') {
        offset = (this.#inBody as Body).push(chunk, offset, at)
        if ((this.#inBody as Body).done) this.#requestDone()
      } else if (this.#in === 'upgrade-pending') {
        this.#held.hold(chunk.subarray(offset), at)
        return
      } else {
        if (this.#in === 'websocket') this.#inFrames?.push(offset ? chunk.subarray(offset) : chunk, at)
        return
      }
    }
  }

  /** Bytes the server wrote to the client. */
  wrote(chunk: Buffer, at: number): void {
    this.#lastWriteAt = at
    let offset = 0
    while (offset < chunk.length) {
      if (this.#out === 'head') {
        const found = this.#outHead.read(chunk, offset, at)
        offset = found.next
        if (found.head !== undefined) this.#responseHead(found.head, found.at, chunk.subarray(offset))
      } else if (this.#out === 'body') {
        const body = this.#outBody as Body
        const next = body.push(chunk, offset, at)
        this.#keepBodyStart(chunk.subarray(offset, next))
        offset = next
        if (body.done) this.#responseDone(at)
      } else {
        if (this.#out === 'websocket') this.#outFrames?.push(offset ? chunk.subarray(offset) : chunk, at)
        return
      }
    }
  }

  /** The socket closed: a response that ran until close (or was cut) ends here. */
  closed(): void {
    if (this.#out === 'body' && this.#writing) this.#responseDone(this.#lastWriteAt)
    const reading = this.#reading
    if (reading && !reading.reported && this.#tagOf(reading) !== undefined) this.#reportRequest(reading)
  }

  /** `parsed-…`: Node parsed the request, and its body (if any) is counted from what Node delivers. */
  #requestHead(head: string, at: number, read: 'bytes' | 'parsed-body' | 'parsed-no-body' = 'bytes'): void {
    const source: RequestSource = read === 'bytes' ? 'socket-bytes' : 'parsed-by-node'
    const { exchange, headers } = exchangeOf<Tag>(head, at, this.#requests, source)
    this.#requests++
    this.#awaiting.push(exchange)
    this.#reading = exchange
    if (read === 'bytes') {
      this.#inBody = bodyOf(headers, false)
      this.#in = 'body'
    } else {
      this.#inBody = read === 'parsed-body' ? new ParsedBody() : new LengthBody(0)
      this.#in = 'parsed-body'
    }
    if (this.#inBody.done) this.#requestDone()
  }

  #requestDone(): void {
    const exchange = this.#reading as Exchange<Tag>
    if (this.#inBody) exchange.bodyBytes = this.#inBody.bytes
    this.#reading = undefined
    if (!exchange.reported && this.#tagOf(exchange) !== undefined) this.#reportRequest(exchange)
    this.#in = exchange.upgrade ? 'upgrade-pending' : 'head'
  }

  /** The route of some request has said whose it is: requests complete and waiting for that are reported now. */
  ownersKnown(): void {
    for (const exchange of this.#awaiting)
      if (exchange !== this.#reading && !exchange.reported && this.#tagOf(exchange) !== undefined)
        this.#reportRequest(exchange)
  }

  /** The exchange's tag, asking the owner while it is not known. */
  #tagOf(exchange: Exchange<Tag>): Tag | undefined {
    exchange.claim ??= this.#handlers.owner({
      index: exchange.index,
      method: exchange.method,
      head: exchange.head,
      at: exchange.at
    })
    return exchange.claim?.tag
  }

  #reportRequest(exchange: Exchange<Tag>): void {
    exchange.reported = true
    const bodyBytes = exchange === this.#reading ? (this.#inBody?.bytes ?? 0) : exchange.bodyBytes
    const { at, head, source } = exchange
    this.#handlers.request(exchange.claim?.tag as Tag, { at, head, bodyBytes, source })
  }

  #responseHead(head: string, at: number, rest: Buffer): void {
    const { response, headers } = responseOf(head, at)
    const { status } = response
    // Node may answer a request (413, 400) before its body has arrived: show the request first.
    const exchange = this.#awaiting[0]
    const tag = exchange && this.#tagOf(exchange)
    if (exchange && !exchange.reported && tag !== undefined) this.#reportRequest(exchange)
    // The route never said (a request refused before routing, a 400 from Node): nobody's, and no stream.
    const streams = exchange?.claim?.streams ?? false

    if (status >= 100 && status < 200 && status !== 101) {
      // An interim answer (100 Continue, 103 Early Hints): the final one follows for the same request.
      response.endAt = at
      if (tag !== undefined) this.#handlers.response(tag, response)
      return
    }
    this.#awaiting.shift()
    if (status === 101) {
      this.#switchToWebSocket(tag, exchange?.head ?? '', response, at)
      return
    }
    if (exchange?.upgrade && this.#in === 'upgrade-pending') this.#refeedHeld()

    const noBody = exchange?.method === 'HEAD' || status === 204 || status === 304
    const eventStream = !noBody && streams
    if (eventStream && tag === undefined) {
      // A stream the capture does not keep (a page past the store's room) lasts as long as its connection.
      this.#in = 'ignore'
      this.#out = 'ignore'
      return
    }
    this.#outBody = noBody ? new LengthBody(0) : bodyOf(headers, true)
    const streaming = tag !== undefined && eventStream
    this.#writing = { tag, response, streaming }
    this.#out = 'body'
    if (streaming) {
      // A stream never ends: show its head now, with the body bytes that were written together with it.
      response.bodyBytes = rest.length
      response.bodyStart = Buffer.from(rest.subarray(0, httpLimits.bodyStartBytes))
      if (this.#outBody instanceof ChunkedBody) this.#outBody.onChunk = (chunk) => this.#handlers.stream(tag, chunk)
      this.#handlers.response(tag, response)
    }
    if (this.#outBody.done) this.#responseDone(at)
  }

  #keepBodyStart(bytes: Buffer): void {
    const writing = this.#writing
    if (!writing || writing.tag === undefined || writing.streaming) return
    keepBodyStart(writing.response, bytes)
  }

  #responseDone(at: number): void {
    const writing = this.#writing
    this.#writing = undefined
    this.#outBody = undefined
    this.#out = 'head'
    if (!writing || writing.tag === undefined || writing.streaming) return
    writing.response.endAt = at
    this.#handlers.response(writing.tag, writing.response)
  }

  #switchToWebSocket(tag: Tag | undefined, requestHead: string, response: CapturedResponse, at: number): void {
    response.endAt = at
    const held = this.#held.release()
    if (tag === undefined) {
      // Not a technique's socket (the page's own stats channel): nothing more to follow on it.
      this.#in = 'ignore'
      this.#out = 'ignore'
      return
    }
    this.#handlers.response(tag, response)
    this.#handlers.upgraded(tag, requestHead, response.head)
    this.#inFrames = new FrameDecoder((frame) => this.#handlers.frame(tag, 'in', frame))
    this.#outFrames = new FrameDecoder((frame) => this.#handlers.frame(tag, 'out', frame))
    this.#in = 'websocket'
    this.#out = 'websocket'
    for (const { chunk, at: heldAt } of held) this.#inFrames.push(chunk, heldAt)
  }

  /** The upgrade was refused: what the client sent after it is HTTP again. */
  #refeedHeld(): void {
    const held = this.#held.release()
    this.#in = 'head'
    for (const { chunk, at } of held) this.read(chunk, at)
  }
}
