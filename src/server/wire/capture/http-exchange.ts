import type { RequestSource } from '../../../shared/capture.ts'
import { type Body, CaptureConfused, parseHead } from './http-framing.ts'
import type { Claim } from './http-stream-handlers.ts'

/** One request on the connection, from its head until its response's head. */
export interface Exchange<Tag> {
  index: number
  /** Undefined until the owner is known. */
  claim: Claim<Tag> | undefined
  method: string
  head: string
  at: number
  bodyBytes: number
  source: RequestSource
  /** Asks to switch protocols (`Connection: upgrade` with an `Upgrade` header). */
  upgrade: boolean
  reported: boolean
}

/** A request body Node's parser reads: it is counted from what Node delivers, never pushed bytes here. */
export class ParsedBody implements Body {
  bytes = 0
  done = false

  push(): number {
    throw new CaptureConfused('request bytes while Node parses the body')
  }
}

const requestLine = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/

/**
 * The exchange a request head opens, the connection's request number `index`, with the head's
 * headers. Throws `CaptureConfused` when the head does not start with an HTTP/1.1 request line.
 */
export function exchangeOf<Tag>(
  head: string,
  at: number,
  index: number,
  source: RequestSource
): { exchange: Exchange<Tag>; headers: Map<string, string> } {
  const { startLine, headers } = parseHead(head)
  const match = requestLine.exec(startLine)
  if (!match) throw new CaptureConfused('not an HTTP/1.1 request line')
  const method = match[1] as string
  const upgrade = headers.has('upgrade') && /\bupgrade\b/i.test(headers.get('connection') ?? '')
  const exchange: Exchange<Tag> = {
    index,
    method,
    head,
    at,
    bodyBytes: 0,
    source,
    upgrade,
    reported: false,
    claim: undefined
  }
  return { exchange, headers }
}
