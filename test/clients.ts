import { get, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { TestContext } from 'node:test'
import WebSocket from 'ws'
import type { FeedServerMessage } from '../src/shared/websocket-messages.ts'
import { Inbox, type TestServer } from './helper.ts'

export interface OpenWebSocket<Message = FeedServerMessage> {
  ws: WebSocket
  /** Every message the server sent, parsed, from the very first one. */
  messages: Inbox<Message>
  /** The client's TCP socket: its byte counters are what the server's accounting must match. */
  tcp: Socket
  /** Resolves with the close code and reason once the socket is closed. */
  closed: Promise<{ code: number; reason: string }>
}

/**
 * Opens a WebSocket with the `ws` package, sending this server's own Origin unless
 * told otherwise, and resolves once it is open. Listeners are attached before the
 * handshake, so the server's first messages are never missed.
 */
export function openWebSocket<Message = FeedServerMessage>(
  t: TestContext,
  server: TestServer,
  path = '/feed/websocket',
  headers: Record<string, string> = { origin: server.origin }
): Promise<OpenWebSocket<Message>> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, { headers })
  t.after(() => ws.terminate())
  const messages = new Inbox<Message>()
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) }))
  )
  return new Promise((resolve, reject) => {
    let tcp: Socket | undefined
    ws.once('upgrade', (response) => {
      tcp = response.socket
    })
    ws.once('open', () => resolve({ ws, messages, tcp: tcp as Socket, closed }))
    ws.once('unexpected-response', (_request, response) => {
      reject(
        Object.assign(new Error(`unexpected response ${response.statusCode}`), { statusCode: response.statusCode })
      )
      response.resume()
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

/** Ids of the feed events among WebSocket messages, in arrival order. */
export function eventIds(messages: FeedServerMessage[]): number[] {
  return messages.flatMap((message) => (message.type === 'event' ? [message.event.id] : []))
}

/** One block of a `text/event-stream`, as written on the wire. */
export interface SseBlock {
  id?: string
  event?: string
  data?: string
  retry?: string
  comments: string[]
}

export interface OpenSse {
  status: number
  headers: IncomingHttpHeaders
  blocks: Inbox<SseBlock>
  /** Everything received so far, exactly as sent (after HTTP de-chunking). */
  text(): string
  /** Resolves when the server ends the stream. */
  ended: Promise<void>
  /** Closes the connection from the client side. */
  close(): void
}

/**
 * Reads an SSE stream block by block with `node:http` (its own connection, no pool),
 * keeping the raw text: unlike EventSource it shows `retry:`, comments and the framing.
 */
export function openSse(t: TestContext, url: string, headers: Record<string, string> = {}): Promise<OpenSse> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers, agent: false }, (response) => {
      const blocks = new Inbox<SseBlock>()
      let raw = ''
      let unparsed = ''
      response.setEncoding('utf8')
      // Closing the stream from this side is how tests end it; the resulting 'aborted' error is expected.
      response.on('error', () => {})
      response.on('data', (text: string) => {
        raw += text
        unparsed += text
        for (let end = unparsed.indexOf('\n\n'); end >= 0; end = unparsed.indexOf('\n\n')) {
          blocks.push(parseBlock(unparsed.slice(0, end)))
          unparsed = unparsed.slice(end + 2)
        }
      })
      const ended = new Promise<void>((done) => response.once('close', () => done()))
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        blocks,
        text: () => raw,
        ended,
        close: () => request.destroy()
      })
    })
    request.on('error', reject)
    t.after(() => request.destroy())
  })
}

function parseBlock(text: string): SseBlock {
  const block: SseBlock = { comments: [] }
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      block.comments.push(line.slice(1).trim())
      continue
    }
    const colon = line.indexOf(':')
    const field = line.slice(0, colon)
    const value = line.slice(colon + 1).replace(/^ /, '')
    if (field === 'id' || field === 'event' || field === 'data' || field === 'retry') block[field] = value
  }
  return block
}

/** Ids of the SSE blocks that carry an event, in arrival order. */
export function blockIds(blocks: SseBlock[]): number[] {
  return blocks.flatMap((block) => (block.id === undefined ? [] : [Number(block.id)]))
}

/** A response whose body never ends, as a test reads it: its text so far and what each whole line held. */
export interface OpenLineStream<Item> {
  response: Response
  /** Every item read, in order. */
  items: Inbox<Item>
  /** The body's text so far. */
  text: () => string
}

/**
 * Opens a never-ending response (a streamed fetch, a forever frame) with Node's fetch, and reads
 * it line by line as it arrives: `read` turns each whole line into an item (or nothing). Only
 * whole lines are read; the request is aborted when the test ends.
 */
export async function openLineStream<Item>(
  t: TestContext,
  url: string,
  read: (line: string) => Item | undefined
): Promise<OpenLineStream<Item>> {
  const stopped = new AbortController()
  t.after(() => stopped.abort())
  const response = await fetch(url, { signal: stopped.signal })
  const items = new Inbox<Item>()
  let text = ''
  void (async () => {
    let pending = ''
    try {
      for await (const chunk of (response.body ?? new ReadableStream()).pipeThrough(new TextDecoderStream())) {
        text += chunk
        pending += chunk
        const lines = pending.split('\n')
        pending = lines.pop() ?? ''
        for (const line of lines) {
          const item = read(line)
          if (item !== undefined) items.push(item)
        }
      }
    } catch {
      // aborted when the test ends
    }
  })()
  return { response, items, text: () => text }
}

/** A GET that reads nothing of its answer until told to: a reader still busy, or a frozen tab. */
export interface LateReader {
  /** Starts reading, and resolves once `text` has arrived; rejects if the server cuts the connection first. */
  readUntil(text: string): Promise<void>
}

/** Sends `GET <path>` on a socket of its own that reads nothing yet; it is destroyed when the test ends. */
export async function lateReader(t: TestContext, server: TestServer, path: string): Promise<LateReader> {
  const socket = connect(server.port, '127.0.0.1')
  t.after(() => socket.destroy())
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.pause()
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)
  return {
    readUntil: (text) =>
      new Promise((resolve, reject) => {
        // Only the tail is kept: the answer may be megabytes long.
        let tail = ''
        socket.on('data', (chunk: Buffer) => {
          tail = (tail + chunk.toString('latin1')).slice(-(text.length + 64 * 1024))
          if (tail.includes(text)) resolve()
        })
        socket.once('close', () => reject(new Error(`the server cut the connection before "${text}"`)))
        socket.resume()
      })
  }
}
