// The soak's long-lived connections (streams and sockets): how many each technique opened, and who
// ended every one its client meant to keep, with how long it had lived. A page keeps its stream for
// as long as it is open, so a healthy run opens each once; a reconnect is a cut, not a request.
import type { ClientRequest } from 'node:http'
import { EventSource } from 'eventsource'
import type { TransportIo } from '../src/client/techniques/transport.ts'

/** Who ended a connection the client meant to keep. */
export type Closer = 'server' | 'client timeout' | 'error'
export const closers: readonly Closer[] = ['server', 'client timeout', 'error']

/** A cut as the client saw it: who ended the connection, and what it saw. */
export interface Cut {
  closer: Closer
  detail: string
}

/** One technique's long-lived connections, over all its clients. */
export class ConnectionTally {
  opened = 0
  readonly closedBy: Record<Closer, number> = { server: 0, 'client timeout': 0, error: 0 }
  /** The first few cuts word for word: when in the run, which client, how long it had lived, who and why. */
  readonly samples: string[] = []
  readonly #runStart: number

  constructor(runStart: number) {
    this.#runStart = runStart
  }

  /** Every cut is followed by a reconnect: the clients ask again from their cursor. */
  get cuts(): number {
    return closers.reduce((sum, closer) => sum + this.closedBy[closer], 0)
  }

  /** The watch of one client's connection (one at a time). */
  watch(client: string, running: () => boolean): ConnectionWatch {
    let openedAt = 0
    return {
      opened: () => {
        this.opened++
        openedAt = Date.now()
      },
      closed: ({ closer, detail }) => {
        if (!running()) return // the client closed it: the run is over
        this.closedBy[closer]++
        const now = Date.now()
        if (this.samples.length < 3)
          this.samples.push(
            `at ${((now - this.#runStart) / 1000).toFixed(1)} s ${client} after ${((now - openedAt) / 1000).toFixed(1)} s: ${closer}, ${detail}`
          )
      }
    }
  }
}

/** What a client reports about its connection. */
export interface ConnectionWatch {
  opened(): void
  /** Its connection ended; counted only while the client still meant to keep it. */
  closed(cut: Cut): void
}

const errorCodes = (error: unknown): string[] => {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } }
  return [code, cause?.code].filter((c): c is string => typeof c === 'string')
}
const clientTimeouts = ['UND_ERR_BODY_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'ETIMEDOUT']

/** Who ended a response body that failed, from the error the client got; undefined when the client aborted it. */
export function cutFrom(error: unknown): Cut | undefined {
  const { name, message, cause } = error as Error & { cause?: Error }
  if (name === 'AbortError') return undefined
  const codes = errorCodes(error)
  const detail = [message, cause?.message, ...codes].filter(Boolean).join(' / ')
  if (codes.some((code) => clientTimeouts.includes(code))) return { closer: 'client timeout', detail }
  // undici's words for a FIN from the server before the response was complete.
  if (codes.includes('UND_ERR_SOCKET') && cause?.message === 'other side closed') return { closer: 'server', detail }
  return { closer: 'error', detail }
}

/**
 * A Node `http` request for a response that never ends, watched: the server ending the response,
 * a FIN from the server in the middle of it (Node reports that as an `aborted` ECONNRESET, so the
 * socket's own `end` tells it apart from a reset), a client timeout or a network error.
 */
export function watchRequest(req: ClientRequest, watch: ConnectionWatch): void {
  let finReceived = false
  let reported = false
  let opened = false
  const report = (cut: Cut) => {
    if (reported) return
    reported = true
    watch.closed(cut)
  }
  req.once('socket', (socket) => socket.once('end', () => (finReceived = true)))
  req.once('response', (res) => {
    if (res.statusCode !== 200) return
    opened = true
    watch.opened()
    res.once('end', () => report({ closer: 'server', detail: 'the response ended' }))
    res.once('close', () => {
      if (finReceived) report({ closer: 'server', detail: 'FIN in the middle of the response' })
      else if (res.errored) report(cutFrom(res.errored) ?? { closer: 'error', detail: res.errored.message })
      else if (!res.complete) report({ closer: 'error', detail: 'closed in the middle of the response' })
    })
  })
  req.once('error', (error) => {
    if (opened) report(cutFrom(error) ?? { closer: 'error', detail: error.message })
  })
}

/** `fetch` whose successful responses report how their body ended: done (the server ended it) or an error. */
function watchedFetch(watch: ConnectionWatch): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init)
    const source = response.body
    if (!response.ok || !source) return response
    watch.opened()
    const reader = source.getReader()
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read()
          if (!done) return controller.enqueue(value)
          watch.closed({ closer: 'server', detail: 'the response ended' })
          controller.close()
        } catch (error) {
          const cut = cutFrom(error)
          if (cut) watch.closed(cut)
          controller.error(error)
        }
      },
      cancel: (reason) => reader.cancel(reason)
    })
    // The reader of the response (the page's transport, or EventSource) gets the watched body instead.
    Object.defineProperty(response, 'body', { value: body })
    return response
  }
}

/**
 * `io` with its streams and sockets watched: fetch bodies, EventSource (through the same fetch) and
 * WebSockets, whose close frame names the server as closer (1006: no close frame, a broken link).
 */
export function watchedIo(io: TransportIo, watch: ConnectionWatch): TransportIo {
  const watched = watchedFetch(watch)
  class WatchedEventSource extends EventSource {
    constructor(url: string) {
      super(url, { fetch: watched })
    }
  }
  const PageWebSocket = io.WebSocket
  class WatchedWebSocket extends PageWebSocket {
    constructor(url: string) {
      super(url)
      let opened = false
      this.addEventListener('open', () => {
        opened = true
        watch.opened()
      })
      this.addEventListener('close', ({ code, reason }) => {
        if (!opened) return // a refused handshake: the transport reports it as an error
        const detail = `close code ${code}${reason ? `: ${reason}` : ''}`
        watch.closed({ closer: code === 1006 ? 'error' : 'server', detail })
      })
    }
  }
  return {
    ...io,
    fetch: watched,
    EventSource: WatchedEventSource as unknown as TransportIo['EventSource'],
    WebSocket: WatchedWebSocket
  }
}
