import type { FeedPage } from '../../shared/feed-event.ts'
import type { TechniqueName } from '../../shared/techniques.ts'
import { browserNow } from '../platform/dom.ts'
import { type ClientListener, instanceHeader, serverUrl, type TransportIo } from './transport.ts'

/** Query of a pull request; undefined values are left out. */
export type PullQuery = Record<string, string | number | undefined>

/**
 * One request of a pull technique (ajax, polling, long-polling): GET
 * `/feed/<name>?after=<cursor>`, hand the events to the listener, and return the
 * next cursor. A `204` (a long poll that timed out) leaves the cursor as it was.
 */
export async function pull(
  io: TransportIo,
  name: TechniqueName,
  query: PullQuery,
  listener: ClientListener,
  signal?: AbortSignal
): Promise<number | undefined> {
  const sentAt = browserNow()
  listener.asking?.(sentAt)
  const response = await io
    .fetch(serverUrl(io, `/feed/${name}`, query), { signal, cache: 'no-store' })
    .finally(() => listener.asking?.(undefined))
  listener.answered?.(sentAt, browserNow())
  const instance = response.headers.get(instanceHeader)
  if (instance) listener.servedBy?.(instance, browserNow())
  const cursor = typeof query.after === 'number' ? query.after : undefined
  if (response.status === 204) {
    await response.body?.cancel()
    listener.emptyAnswer?.(browserNow())
    return cursor
  }
  if (!response.ok) throw new Error(`${response.status} ${(await response.json().catch(() => ({}))).message ?? ''}`)
  const page = (await response.json()) as FeedPage
  const receivedAt = browserNow()
  if (page.reset) listener.reset()
  if (page.events.length === 0) listener.emptyAnswer?.(receivedAt)
  else listener.received(page.events, receivedAt)
  return page.events.at(-1)?.id ?? page.latest
}

/** Waits, unless the signal aborts first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
