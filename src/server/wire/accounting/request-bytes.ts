import type { IncomingMessage } from 'node:http'

/**
 * The request head's size on the wire as Node parsed it: request line, `Name: value` lines, blank
 * line. Exact for the form browsers and HTTP libraries send; optional spaces around a value that Node
 * trimmed are not in it (those bytes are then charged to the next request on the connection, or at close).
 */
export function requestBytesOf(request: IncomingMessage): number {
  let bytes = request.method?.length ?? 0
  bytes += 1 + (request.url?.length ?? 0) + ' HTTP/1.1\r\n'.length
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) bytes += (raw[i] as string).length + 2 + (raw[i + 1] as string).length + 2
  bytes += 2
  if (request.headers['transfer-encoding'] !== undefined || request.headers.upgrade !== undefined)
    return Number.POSITIVE_INFINITY
  const length = Number(request.headers['content-length'] ?? 0)
  return Number.isFinite(length) && length >= 0 ? bytes + length : Number.POSITIVE_INFINITY
}
