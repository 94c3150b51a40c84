import type { ServerHttp2Session } from 'node:http2'
import type { TappedFrame } from './tap-sessions.ts'

/** Hears every frame of every HTTP/2 connection, with its payload. */
export type FrameSubscriber = (session: ServerHttp2Session, frame: TappedFrame) => void

/**
 * Where modules that read HTTP/2 frames (HPACK, the capture) subscribe: every frame of every
 * connection, both ways, in order, payload included. A payload is a view of the connection's bytes:
 * copy what is kept past the call.
 */
export class FrameHook {
  #subscribers = new Set<FrameSubscriber>()

  /** Starts hearing every frame; returns the function that stops it. */
  subscribe(subscriber: FrameSubscriber): () => void {
    this.#subscribers.add(subscriber)
    return () => this.#subscribers.delete(subscriber)
  }

  /** Hands one frame to every subscriber (the tap calls it). */
  publish(session: ServerHttp2Session, frame: TappedFrame): void {
    for (const subscriber of this.#subscribers) subscriber(session, frame)
  }
}
