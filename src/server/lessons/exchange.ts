import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { Feed } from '../feed/feed.ts'
import { lessonAddress } from './lesson-address.ts'

/**
 * A real HTTP exchange with this server, quoted in a lesson by `::: exchange GET <path>`: the request
 * as it was sent and the answer as it came back, byte for byte, so a head (status, `content-type`,
 * `content-length`) can never disagree with its body.
 */
export interface Exchange {
  /** `GET <path>`, as the lesson names it. */
  target: string
  /** The request head as sent, CRLF line ends, `Host: {{host}}` (filled with the reader's address when served). */
  request: string
  /** The status line and headers as received, CRLF line ends, without the blank line that ends them. */
  head: string
  /** The body as received (empty for a `204`); of a response that never ends, what came before it paused. */
  body: string
  /** A chunked response that never ends: `body` is its beginning, chunk-size lines included. */
  streamed: boolean
}

/**
 * Builds the server the examples are asked of: this very app, serving `feed` and no lessons of its own.
 * app.ts passes its own build function, so the examples come from the same plugins, hooks and Node server.
 */
export type ExampleServer = (feed: Feed) => Promise<FastifyInstance>

/** The first event of the example feed, the others one a second, up to event 42 (lesson 1's event). */
const example = { latest: 42, at: 1_718_000_000_123, value: 101.5 } as const

/**
 * The feed every example is answered from: events 1 to 42, one tick a second, event 42 being
 * `{"id":42,"at":1718000000123,"kind":"tick","data":{"value":101.5}}` as the lessons show it.
 */
export function exampleFeed(): Feed {
  let id = 0
  const feed = new Feed({ clock: () => example.at - (example.latest - id) * 1000 })
  for (id = 1; id <= example.latest; id++) feed.publish('tick', { value: example.value - (example.latest - id) / 2 })
  return feed
}

/** `::: exchange GET /feed/ajax?after=41` → `GET /feed/ajax?after=41`; anything else throws, saying what is expected. */
export function exchangeTarget(params: string): string {
  const match = /^exchange\s+(GET\s+\/\S*)\s*$/.exec(params.trim())
  if (!match?.[1]) throw new Error(`::: ${params.trim()} — expected ::: exchange GET /<path>`)
  return match[1].replace(/\s+/, ' ')
}

/** Every `::: exchange` target in a lesson's Markdown. */
export function exchangeTargets(markdown: string): string[] {
  return [...markdown.matchAll(/^[ \t]*:::[ \t]*(exchange\b.*)$/gm)].map((match) => exchangeTarget(match[1] ?? ''))
}

/**
 * The exchange as one text: the request head, a blank line, the response head, a blank line, its body.
 * Line ends are shown as line breaks (a stream's chunk framing ends its lines with CRLF too).
 */
export function exchangeText({ request, head, body, streamed }: Exchange): string {
  const shown = streamed ? body.replaceAll('\r\n', '\n') : body
  return `${request.replaceAll('\r\n', '\n')}\n\n${head.replaceAll('\r\n', '\n')}\n\n${shown}`
}

const answered = new Map<string, Promise<Exchange>>()

/**
 * Asks every target of a real server, built by `serve` and listening on the loopback for the
 * moment, and resolves to each answer by target. Answers are kept for the process: every app a test
 * suite builds shows the same ones, and the example server is built once.
 */
export async function answerExchanges(targets: string[], serve: ExampleServer): Promise<Map<string, Exchange>> {
  const missing = [...new Set(targets)].filter((target) => !answered.has(target))
  if (missing.length > 0) {
    const batch = askAll(missing, serve)
    for (const target of missing)
      answered.set(
        target,
        batch.then((exchanges) => exchanges.get(target) as Exchange)
      )
    // A failed build is reported to the lesson that asked, and asked again by the next one.
    batch.catch(() => {
      for (const target of missing) answered.delete(target)
    })
  }
  const exchanges = await Promise.all(targets.map(async (target) => [target, await answered.get(target)] as const))
  return new Map(exchanges.filter((entry): entry is [string, Exchange] => entry[1] !== undefined))
}

async function askAll(targets: string[], serve: ExampleServer): Promise<Map<string, Exchange>> {
  const app = await serve(exampleFeed())
  try {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    const exchanges = new Map<string, Exchange>()
    // One at a time, each on its own connection, as the lesson shows it: the first request of a connection.
    for (const target of targets) exchanges.set(target, await ask(port, target))
    return exchanges
  } finally {
    await app.close()
  }
}

/** How long a stream must stay silent before its beginning is taken as all it had to say for now. */
const streamPauseMs = 100

/**
 * Sends `target`'s request on a new connection and reads the whole answer: a `Content-Length` body, or
 * none; of a chunked response that never ends (SSE, a streamed fetch), the head and what it wrote
 * before pausing (the prefix and the catch-up: the example feed is still).
 */
function ask(port: number, target: string): Promise<Exchange> {
  const host = `127.0.0.1:${port}`
  const request = `${target} HTTP/1.1\r\nHost: ${host}\r\n`
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    let pause: NodeJS.Timeout | undefined
    const fail = (reason: string) => {
      clearTimeout(pause)
      socket.destroy()
      reject(new Error(`::: exchange ${target} — ${reason}`))
    }
    socket.setTimeout(5000, () => fail('no whole answer within 5 s (an exchange must be a complete response)'))
    socket.on('error', (error) => fail(error.message))
    socket.on('close', () => fail('the server closed the connection before a whole answer'))
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      const bytes = Buffer.concat(chunks)
      const end = bytes.indexOf('\r\n\r\n')
      if (end < 0) return
      const head = bytes.subarray(0, end).toString('latin1')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1])
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
      const bodyless = status === 204 || status === 304
      const streamed = length === undefined && /\r\ntransfer-encoding: *chunked/i.test(head)
      if (!bodyless && length === undefined && !streamed)
        return fail('the answer has neither a Content-Length nor chunks: it cannot be shown whole')
      const body = bytes.subarray(end + 4)
      const done = () => {
        socket.removeAllListeners('close')
        socket.destroy()
        resolve({
          target,
          request: request.replace(`Host: ${host}`, `Host: ${lessonAddress.host}`).replace(/\r\n$/, ''),
          head,
          body: body.toString('utf8'),
          streamed
        })
      }
      if (streamed) {
        clearTimeout(pause)
        pause = setTimeout(done, streamPauseMs)
        return
      }
      if (body.length < Number(length ?? 0)) return
      done()
    })
    socket.write(`${request}\r\n`)
  })
}
