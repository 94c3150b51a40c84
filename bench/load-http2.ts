// The load clients' HTTP/2 side (`bench/load-clients.ts` drives them): each client is a page with its own
// `node:http2` session, one TLS connection as a browser's page has, and asks its technique on streams of it.
// As lean as the HTTP/1.1 clients: each DATA payload is handed as text to the same scan for
// `"id":<n>,"at":<ms>`, nothing is parsed, and no stream keeps more than its cursor.
import { type ClientHttp2Session, connect } from 'node:http2'

/** What the HTTP/2 clients need of a load client: its cursor, and the scan that counts each event found. */
export interface Scanner {
  lastId: number
  scan(text: string, now: number): void
}

/** The load process's shared counters that the HTTP/2 clients add to. */
export interface Http2Counts {
  requests: number
  errors: number
}

/** One page's connection: TLS with ALPN `h2`, the bench server's self-signed certificate taken as it is. */
export function openSession(port: number, counts: Http2Counts): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false })
    session.once('connect', () => {
      session.removeListener('error', reject)
      session.on('error', () => counts.errors++)
      resolve(session)
    })
    session.once('error', reject)
  })
}

/** A response that never ends on one stream: resolves at its `200` HEADERS, then scans every DATA payload. */
export function openStreamOver(
  session: ClientHttp2Session,
  client: Scanner,
  path: string,
  accept: string,
  counts: Http2Counts
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, accept }, { endStream: true })
    stream.once('response', (headers) => {
      if (headers[':status'] === 200) return resolve()
      reject(new Error(`${path} refused: ${headers[':status']}`))
      stream.close()
    })
    stream.on('data', (chunk: Buffer) => client.scan(chunk.toString('latin1'), Date.now()))
    stream.on('error', () => counts.errors++)
    stream.once('close', () => reject(new Error('closed before the head')))
  })
}

/**
 * A polling (`pollMs` > 0) or long-polling (0: again as soon as the answer ends) client: one stream per
 * request on the page's session, its DATA scanned as it comes, the next request sent at END_STREAM.
 */
export function startPollerOver(
  session: ClientHttp2Session,
  client: Scanner,
  pathOf: (after: number) => string,
  pollMs: number,
  counts: Http2Counts
): void {
  const ask = () => {
    counts.requests++
    const stream = session.request({ ':path': pathOf(client.lastId) }, { endStream: true })
    stream.once('response', (headers) => {
      const status = headers[':status']
      // Refused: cut, and counted as cut below.
      if (status !== 200 && status !== 204) stream.close()
    })
    stream.on('data', (chunk: Buffer) => client.scan(chunk.toString('latin1'), Date.now()))
    let ended = false
    stream.once('end', () => {
      ended = true
      if (pollMs > 0) setTimeout(ask, pollMs)
      else ask()
    })
    // A stream reset before END_STREAM (the server cut the answer) stops this client, as a cut socket stops the
    // HTTP/1.1 ones: counted once here, 'error' or not (a reset with NO_ERROR emits none).
    stream.on('error', () => {})
    stream.once('close', () => {
      if (!ended) counts.errors++
    })
  }
  // Pollers start spread over one interval, as pages opened at different moments do.
  if (pollMs > 0) setTimeout(ask, Math.random() * pollMs)
  else ask()
}
