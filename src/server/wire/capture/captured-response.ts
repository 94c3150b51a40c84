import { CaptureConfused, framingHeaders, httpLimits } from './http-framing.ts'

export interface CapturedResponse {
  at: number
  status: number
  head: string
  /** Body bytes as written, chunk framing included (for a stream: those written together with the head). */
  bodyBytes: number
  bodyStart: Buffer
  /** When the body's last byte was written; undefined for a stream that goes on. */
  endAt: number | undefined
}

const statusLine = /^HTTP\/1\.[01] (\d{3})(?: |$)/

/**
 * The response a head begins, no body yet, with the headers that frame its body (the rest of the head is
 * kept as written, not parsed). Throws `CaptureConfused` when it does not start with an HTTP/1.1 status line.
 */
export function responseOf(head: string, at: number): { response: CapturedResponse; headers: Map<string, string> } {
  const match = statusLine.exec(head.slice(0, head.indexOf('\r\n')))
  if (!match) throw new CaptureConfused('not an HTTP/1.1 status line')
  const status = Number(match[1])
  const response: CapturedResponse = { at, status, head, bodyBytes: 0, bodyStart: Buffer.alloc(0), endAt: undefined }
  return { response, headers: framingHeaders(head) }
}

/** Counts `bytes` of `response`'s body, keeping them while its kept start has room. */
export function keepBodyStart(response: CapturedResponse, bytes: Buffer): void {
  response.bodyBytes += bytes.length
  const room = httpLimits.bodyStartBytes - response.bodyStart.length
  if (room > 0 && bytes.length > 0)
    response.bodyStart = Buffer.concat([response.bodyStart, bytes.subarray(0, Math.min(room, bytes.length))])
}
