import http2, { type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import type { TestContext } from 'node:test'
import { type TestServer, testTlsCredentials } from './helper.ts'

/** A response read whole over HTTP/2. */
export interface H2Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** The stream it came on: the server names it by this id. */
  streamId: number
}

/** A response over HTTP/2 that is still arriving (an event stream). */
export interface H2OpenStream {
  status: number
  headers: IncomingHttpHeaders
  streamId: number
  /** Everything received so far. */
  text(): string
  /** Resolves once the received text satisfies `done` (or rejects after `timeoutMs`). */
  until(done: (text: string) => boolean, timeoutMs?: number): Promise<string>
  /** Resolves when the stream has closed, with the RST_STREAM code it closed with (0: none). */
  closed: Promise<number>
  /** Cancels it from the client side (RST_STREAM CANCEL). */
  cancel(): void
}

/** One HTTP/2 connection to a test server: every request of a test goes on it as a stream. */
export interface H2Client {
  session: ClientHttp2Session
  get(path: string, headers?: Record<string, string>): Promise<H2Answer>
  open(path: string, headers?: Record<string, string>): Promise<H2OpenStream>
  /** Sends `body` as JSON with `method` (POST by default) and reads the answer whole. */
  send(path: string, body: unknown, headers?: Record<string, string>): Promise<H2Answer>
  /** Closes the session gracefully (GOAWAY, after the streams still open end). */
  close(): Promise<void>
}

/**
 * Connects to `server` with Node's HTTP/2 client, trusting the test certificate; `createConnection`
 * may give the connection itself (a counting one). The session is destroyed when the test ends.
 */
export async function connectH2(
  t: TestContext,
  server: TestServer,
  createConnection?: () => import('node:stream').Duplex
): Promise<H2Client> {
  const { cert } = await testTlsCredentials()
  const session = http2.connect(server.url, {
    ca: cert,
    ...(createConnection ? { createConnection: createConnection as never } : {})
  })
  t.after(() => session.destroy())
  session.on('error', () => {}) // a test that cuts the connection sees it on its streams
  await new Promise<void>((resolve, reject) => session.once('connect', () => resolve()).once('error', reject))

  const open = (path: string, headers: Record<string, string> = {}, body?: string): Promise<H2OpenStream> =>
    new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path, ...headers })
      if (body !== undefined) stream.end(body)
      let text = ''
      const waiters = new Set<() => void>()
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        text += chunk
        for (const wake of waiters) wake()
      })
      stream.on('error', () => {}) // a reset is seen through `closed`
      const closed = new Promise<number>((done) => stream.once('close', () => done(stream.rstCode ?? 0)))
      closed.then(() => {
        for (const wake of waiters) wake()
      })
      stream.once('error', reject)
      stream.once('response', (headers) =>
        resolve({
          status: Number(headers[':status']),
          headers,
          streamId: stream.id ?? -1,
          text: () => text,
          until: (done, timeoutMs = 2000) =>
            new Promise((resolveText, rejectText) => {
              const check = () => {
                if (done(text)) {
                  finish()
                  resolveText(text)
                } else if (stream.closed) {
                  finish()
                  rejectText(new Error(`stream ${stream.id} closed; received ${JSON.stringify(text.slice(-200))}`))
                }
              }
              const timer = setTimeout(() => {
                finish()
                rejectText(new Error(`timed out; received ${JSON.stringify(text.slice(-200))}`))
              }, timeoutMs)
              const finish = () => {
                clearTimeout(timer)
                waiters.delete(check)
              }
              waiters.add(check)
              check()
            }),
          closed,
          cancel: () => stream.close(http2.constants.NGHTTP2_CANCEL)
        })
      )
    })

  return {
    session,
    open,
    get: async (path, headers) => {
      const stream = await open(path, headers)
      await stream.closed
      return { status: stream.status, headers: stream.headers, body: stream.text(), streamId: stream.streamId }
    },
    send: async (path, body, headers) => {
      const json = { ':method': 'POST', 'content-type': 'application/json', ...headers }
      const stream = await open(path, json, JSON.stringify(body))
      await stream.closed
      return { status: stream.status, headers: stream.headers, body: stream.text(), streamId: stream.streamId }
    },
    close: () => new Promise((resolve) => session.close(() => resolve()))
  }
}
