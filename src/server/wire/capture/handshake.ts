import { createHash } from 'node:crypto'
import type { HandshakeExplained } from '../../../shared/capture.ts'
import type { CapturedHandshake } from './capture-store.ts'

/** RFC 6455 section 1.3: the fixed GUID every server appends to the client's key. */
export const websocketGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** `Sec-WebSocket-Accept` for a `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + websocketGuid)
    .digest('base64')
}

/** The value of header `name` in a captured head, or '' when it is absent. */
export function headerOf(head: string, name: string): string {
  const wanted = `${name.toLowerCase()}:`
  for (const line of head.split('\r\n')) {
    if (line.toLowerCase().startsWith(wanted)) return line.slice(wanted.length).trim()
  }
  return ''
}

/**
 * Redoes the server's side of the opening handshake from the captured heads,
 * step by step, and checks the result against the Accept that was really sent.
 */
export function explainHandshake(
  client: string,
  { connection, requestHead, responseHead }: CapturedHandshake
): HandshakeExplained {
  const key = headerOf(requestHead, 'Sec-WebSocket-Key')
  const concatenated = key + websocketGuid
  const sha1 = createHash('sha1').update(concatenated).digest()
  const expectedAccept = sha1.toString('base64')
  const sentAccept = headerOf(responseHead, 'Sec-WebSocket-Accept')
  return {
    client,
    connection,
    key,
    guid: websocketGuid,
    concatenated,
    sha1Hex: sha1.toString('hex'),
    expectedAccept,
    sentAccept,
    matches: key !== '' && sentAccept === expectedAccept,
    requestHead,
    responseHead
  }
}
