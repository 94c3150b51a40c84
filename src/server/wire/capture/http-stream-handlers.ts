import type { RequestSource } from '../../../shared/capture.ts'
import type { CapturedResponse } from './captured-response.ts'
import type { CapturedChunk } from './http-framing.ts'
import type { DecodedFrame } from './websocket-frames.ts'

/** A request on the connection, by its place: the caller learns from its route whose the exchange is. */
export interface RequestHead {
  /** 0 for the connection's first request, then 1, 2, … in the order they arrived. */
  index: number
  method: string
  /** Request line and headers, CRLFs kept, blank line included, as latin1 (one character per byte). */
  head: string
  at: number
}

/**
 * Whose an exchange is, as its route declared it: `tag` to have it reported (undefined: nobody's),
 * and whether its response never ends (an event stream: written chunk by chunk for as long as it lasts).
 */
export interface Claim<Tag> {
  tag: Tag | undefined
  streams: boolean
}

export interface CapturedRequest {
  at: number
  head: string
  /** On the wire (framing included) for `socket-bytes`; as Node delivered it for `parsed-by-node`. */
  bodyBytes: number
  source: RequestSource
}

/** What an `HttpStream` reports, for exchanges the caller claimed with a tag. */
export interface HttpStreamHandlers<Tag> {
  /**
   * Whose this request is: asked when its request is complete, again whenever `ownersKnown()` is called,
   * and a last time when its response begins. Undefined while its route has not said yet; at the
   * response, not knowing means nobody's (the stream only keeps in step).
   */
  owner(request: RequestHead): Claim<Tag> | undefined
  request(tag: Tag, request: CapturedRequest): void
  response(tag: Tag, response: CapturedResponse): void
  stream(tag: Tag, chunk: CapturedChunk): void
  /** `101 Switching Protocols` was sent: frames follow in both directions. */
  upgraded(tag: Tag, requestHead: string, responseHead: string): void
  frame(tag: Tag, direction: 'in' | 'out', frame: DecodedFrame): void
}
