import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from '../src/server/app.ts'
import { makeSelfSigned, type TlsCredentials } from '../src/server/tls.ts'
import type { FeedEvent } from '../src/shared/feed-event.ts'
import type { WireReport } from '../src/shared/wire-stats.ts'

export interface TestServer {
  app: FastifyInstance
  /** `http://127.0.0.1:<port>` (`https://` over TLS), no trailing slash. */
  url: string
  port: number
  /** The Origin a page served by this server sends: the only one allowed to open WebSockets by default. */
  origin: string
}

/** The presenter token of every test server, and the header that carries it. */
export const presenterToken = 'test-presenter-token'
export const asPresenter = { authorization: `Bearer ${presenterToken}` } as const

let testCredentials: Promise<TlsCredentials> | undefined

/** One self-signed certificate for 127.0.0.1, made on first use and shared by every TLS test server. */
export function testTlsCredentials(): Promise<TlsCredentials> {
  testCredentials ??= makeSelfSigned(['localhost'], ['127.0.0.1'])
  return testCredentials
}

/**
 * Builds the app with the ticker off (tests publish what they need), listens on a
 * free port and closes the app when the test ends. `http2: true` serves HTTP/2 (and HTTP/1.1)
 * over TLS with the shared test certificate, unless `https` gives one.
 */
export async function startServer(t: TestContext, options: AppOptions = {}): Promise<TestServer> {
  const https = options.https ?? (options.http2 ? await testTlsCredentials() : undefined)
  const app = await buildApp({
    feedRate: 0,
    presenterToken,
    ...options,
    ...(https ? { https: { key: https.key, cert: https.cert } } : {})
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.after(() => app.close())
  const { port } = app.server.address() as AddressInfo
  const url = `${https ? 'https' : 'http'}://127.0.0.1:${port}`
  return { app, url, port, origin: url }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Retries `check` until it stops throwing, for what becomes true a moment later
 * (a socket's close reaching the accounting, a message crossing the loopback).
 */
export async function eventually<T>(check: () => T | Promise<T>, { timeoutMs = 2000, everyMs = 10 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await delay(everyMs)
    }
  }
}

/** Collects what a client receives, so a test can wait for the n-th item without racing the listener. */
export class Inbox<T> {
  readonly items: T[] = []
  #waiters = new Set<() => void>()

  push(item: T): void {
    this.items.push(item)
    for (const wake of this.#waiters) wake()
  }

  /** Resolves with all items once there are at least `count`, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs = 2000): Promise<T[]> {
    return this.waitUntil((items) => items.length >= count, timeoutMs, `${count} items`)
  }

  waitUntil(done: (items: T[]) => boolean, timeoutMs = 2000, what = 'a condition'): Promise<T[]> {
    if (done(this.items)) return Promise.resolve(this.items)
    return new Promise((resolve, reject) => {
      const wake = () => {
        if (!done(this.items)) return
        cleanup()
        resolve(this.items)
      }
      const timer = setTimeout(() => {
        cleanup()
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; have ${this.items.length} items`))
      }, timeoutMs)
      const cleanup = () => {
        clearTimeout(timer)
        this.#waiters.delete(wake)
      }
      this.#waiters.add(wake)
    })
  }
}

/** Publishes `count` tick events and returns them. */
export function publishTicks(app: FastifyInstance, count: number): FeedEvent[] {
  return Array.from({ length: count }, (_, i) => app.feed.publish('tick', { value: i }))
}

/** `[from, from + 1, …, to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** Fetches `GET /wire?client=…` (on fetch's own connections, which are charged to that client's page row only). */
export async function wireOf(server: TestServer, client?: string): Promise<WireReport> {
  const response = await fetch(client ? `${server.url}/wire?client=${client}` : `${server.url}/wire`)
  if (response.status !== 200) throw new Error(`GET /wire answered ${response.status}`)
  return (await response.json()) as WireReport
}

/** A client id unique to one test, so counters never mix between tests. */
export function clientId(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`
}

/** Asserts that a response is a JSON error as every route gives them: `{ statusCode, code, error, message }`. */
export async function errorBody(
  response: Response
): Promise<{ statusCode: number; code: string; error: string; message: string }> {
  const type = response.headers.get('content-type') ?? ''
  if (!type.startsWith('application/json')) throw new Error(`expected a JSON error, got ${type}`)
  const body = (await response.json()) as Record<string, unknown>
  for (const key of ['statusCode', 'error', 'message'] as const) {
    if (body[key] === undefined) throw new Error(`error body lacks "${key}": ${JSON.stringify(body)}`)
  }
  if (body.statusCode !== response.status) throw new Error(`statusCode ${body.statusCode} != HTTP ${response.status}`)
  return body as { statusCode: number; code: string; error: string; message: string }
}
