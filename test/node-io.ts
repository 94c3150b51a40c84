import { EventSource } from 'eventsource'
import WebSocket from 'ws'
import type { TransportIo } from '../src/client/techniques/transport.ts'

/**
 * The web platform for a browser transport run in Node: Node's own fetch, the `eventsource`
 * package and `ws`. A page's WebSocket carries its page's Origin, and the server refuses one
 * without, so this one says it comes from a page of `origin`.
 */
export function nodeIo(origin: string): TransportIo {
  class PageWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { headers: { origin } })
    }
  }
  return {
    origin,
    fetch: (...request) => fetch(...request),
    EventSource: EventSource as unknown as TransportIo['EventSource'],
    WebSocket: PageWebSocket as unknown as TransportIo['WebSocket']
  }
}
