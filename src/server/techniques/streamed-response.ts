import type { OutgoingHttpHeaders } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FeedEvent } from '../../shared/feed-event.ts'
import type { TechniqueName } from '../../shared/techniques.ts'
import { type PushOptions, pushFeed } from './push-connection.ts'

/** What a response that never ends writes now and then, so proxies and readers see it is alive. */
export interface KeepAlive {
  everyMs: number
  text: string
}

/** How a streamed technique writes the feed into its response: all that differs between them. */
export interface StreamFormat {
  /** The response's headers, sent once. */
  head: OutgoingHttpHeaders
  /** Written right after the head, in the same packet; without one, the head is sent alone at once. */
  prefix?: string
  /**
   * One event as written. Bytes, not a string: what waits unsent is counted in bytes, as the bound
   * is (Node counts a string's unsent length in UTF-16 units); shared by every reader where it can be.
   */
  event(event: FeedEvent): Buffer
  /** Tells the reader its cursor was older than the feed keeps; `latest` is the newest id. */
  reset(latest: number): string
  keepAlive: KeepAlive
  /**
   * With several instances: written after the head, naming the instance that answered, for a reader
   * that cannot see response headers (EventSource, a frame). Without it the reader reads the header.
   */
  servedBy?(instance: string): string
}

/**
 * The head as this request's protocol allows it: `Connection` is an HTTP/1.x header, which Node's
 * HTTP/2 layer drops with a warning (and proxies passing it on make WebKit end event streams).
 */
function headFor(httpVersionMajor: number, head: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (httpVersionMajor === 1) return head
  const { connection: _http1Only, ...allowed } = head
  return allowed
}

/** Answers one request with a response that never ends, written in `format`, from after `cursor`. */
export type StreamedResponse = (
  request: FastifyRequest<{ Querystring: { client?: string } }>,
  reply: FastifyReply,
  cursor: number | undefined,
  format: StreamFormat
) => void

/**
 * For a technique whose answer is a response that never ends: returns the function that serves one
 * request that way. The head and the prefix first, then the feed as every push connection gets it
 * (`pushFeed`: catch-up, simulated delay, the slow-reader bound), the keep-alive now and then in
 * order with the events, letting go of the feed when the response closes, and ending it when the
 * server shuts down (an open response would otherwise keep `close()` waiting for ever).
 */
export function streamedResponses(
  app: FastifyInstance,
  technique: TechniqueName,
  options: PushOptions
): StreamedResponse {
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of [...open]) end()
  })
  return (request, reply, cursor, format) => {
    // Fastify steps aside: from here on we write to the socket ourselves.
    reply.hijack()
    const stream = reply.raw
    stream.writeHead(200, headFor(request.raw.httpVersionMajor, format.head))
    // The head goes now, not with the first event: the reader knows at once it is connected (a
    // fetch() resolves) even when there is no news yet.
    if (format.prefix) stream.write(format.prefix)
    else stream.flushHeaders()
    if (app.sharedFeed && format.servedBy) stream.write(format.servedBy(app.instanceName))

    const push = pushFeed(
      app,
      request,
      technique,
      cursor,
      {
        events: (events) => {
          for (const event of events) stream.write(format.event(event))
        },
        reset: (latest) => stream.write(format.reset(latest)),
        sizeOf: (event) => format.event(event).length,
        buffered: () => stream.writableLength,
        writable: () => !stream.writableEnded && !stream.destroyed,
        cut: () => stream.destroy()
      },
      options
    )
    const { everyMs, text } = format.keepAlive
    const timer = setInterval(() => push.later(() => stream.write(text)), everyMs)
    const stop = () => {
      push.stop()
      clearInterval(timer)
      open.delete(end)
    }
    const end = () => {
      stop()
      stream.end()
    }
    open.add(end)
    stream.once('close', stop)
  }
}
