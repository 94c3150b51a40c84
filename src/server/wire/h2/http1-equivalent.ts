import { STATUS_CODES } from 'node:http'

/**
 * Bytes the same head would take as HTTP/1.1 text (RFC 9112): the request line built from `:method` and
 * `:path` (or the status line from `:status`, with Node's reason phrase), `Host` from `:authority`, one
 * `name: value\r\n` line per other field (cookies joined by `; ` into one line, as HTTP/1.1 sends them),
 * then the blank line. Nothing HTTP/1.1 would add of its own (`Connection`, `Transfer-Encoding`) is
 * counted: it is the header list HTTP/2 carried, written the HTTP/1.1 way. Header strings are one
 * character per byte (latin1), as HPACK decodes them.
 */
export function http1HeadBytes(fields: ReadonlyArray<{ name: string; value: string }>): number {
  const pseudo = new Map<string, string>()
  const cookies: string[] = []
  let lines = 0
  let hasHost = false
  for (const { name, value } of fields) {
    if (name.startsWith(':')) pseudo.set(name, value)
    else if (name === 'cookie') cookies.push(value)
    else {
      if (name === 'host') hasHost = true
      lines += name.length + 2 + value.length + 2
    }
  }
  if (cookies.length > 0) lines += 'cookie: '.length + cookies.join('; ').length + 2
  const method = pseudo.get(':method')
  const status = pseudo.get(':status')
  let startLine = 0
  if (method !== undefined) {
    startLine = `${method} ${pseudo.get(':path') ?? '*'} HTTP/1.1\r\n`.length
    const authority = pseudo.get(':authority')
    if (authority !== undefined && !hasHost) startLine += `host: ${authority}\r\n`.length
  } else if (status !== undefined) {
    startLine = `HTTP/1.1 ${status} ${STATUS_CODES[Number(status)] ?? ''}\r\n`.length
  }
  return startLine + lines + 2
}
