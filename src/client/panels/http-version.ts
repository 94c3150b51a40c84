import type { WireCounters, WireReport } from '../../shared/wire-stats.ts'

/**
 * The HTTP version a row's requests arrived in, as the server saw them (it counts HTTP/2 streams
 * apart from HTTP/1.x requests); undefined before the first request.
 */
export function httpVersionOf({ requests, requestsOverHttp2 }: WireCounters): string | undefined {
  if (requests === 0) return undefined
  if (requestsOverHttp2 === requests) return 'HTTP/2'
  if (requestsOverHttp2 === 0) return 'HTTP/1.x'
  return `HTTP/2 (${requestsOverHttp2} of ${requests}), the rest HTTP/1.x`
}

function connections(count: number): string {
  return count === 1 ? '1 connection' : `${count} connections`
}

/** The page's TCP connections to the server now, by protocol, as one sentence; undefined when unknown. */
export function connectionsNowText(report: WireReport): string | undefined {
  const now = report.connectionsNow
  if (!now) return undefined
  const { http1, http2 } = now
  if (http1 + http2 === 0) return 'This page holds no TCP connection to the server right now.'
  const parts = [
    ...(http2 > 0
      ? [`${connections(http2)} over HTTP/2, shared by every request and stream of this page that uses HTTP/2`]
      : []),
    ...(http1 > 0 ? [`${connections(http1)} over HTTP/1.x`] : [])
  ]
  return `This page holds ${connections(http1 + http2)} to the server now, as the server counts them: ${parts.join('; ')}.`
}
