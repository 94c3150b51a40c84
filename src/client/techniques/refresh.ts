import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../platform/dom.ts'
import { type ClientContext, type ControlsView, serverUrl, type Transport } from './transport.ts'

/** Reads an event back from a row of the server-rendered page (`<tr data-id data-at data-kind data-data>`). */
function eventOf(row: HTMLTableRowElement): FeedEvent {
  return {
    id: Number(row.dataset.id),
    at: Number(row.dataset.at),
    kind: row.dataset.kind as FeedEvent['kind'],
    data: JSON.parse(row.dataset.data ?? '{}') as FeedEvent['data']
  }
}

/** When the page's last byte arrived, by the frame's own navigation timing. */
function arrivalOf(frame: HTMLIFrameElement): number {
  const timing = frame.contentWindow?.performance
  const navigation = timing?.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
  return timing && navigation && navigation.responseEnd > 0 ? timing.timeOrigin + navigation.responseEnd : browserNow()
}

/**
 * Manual refresh: the whole page is rendered by the server and shown in a
 * frame. Nothing changes until someone reloads it. The panel then reads the
 * rows the page shows, to compare them with the other techniques. A page load
 * needs a document: this transport runs in a browser only, its frame put on
 * the page by its controls.
 */
class RefreshTransport implements Transport {
  readonly settings = {}
  readonly frame = h('iframe', { title: 'The page /feed/refresh, as the server rendered it', src: 'about:blank' })
  #context: ClientContext
  #on = false

  constructor(context: ClientContext) {
    this.#context = context
    this.frame.addEventListener('load', () => this.#loaded())
  }

  start(): void {
    this.#on = true
    this.#load()
  }

  fetchNow(): void {
    if (this.#on) this.#load()
  }

  stop(): void {
    this.#on = false
    this.frame.src = 'about:blank'
    this.#context.listener.state('closed')
  }

  #load(): void {
    this.#context.listener.state('waiting')
    this.#context.listener.asking?.(browserNow())
    // Assigning src always navigates, even to the same URL: a real reload, no cache (the page says no-store).
    this.frame.src = serverUrl(this.#context.io, '/feed/refresh', { client: this.#context.clientId })
  }

  #loaded(): void {
    this.#context.listener.asking?.(undefined)
    const page = this.frame.contentDocument
    if (!this.#on || !page?.location.pathname.startsWith('/feed/refresh')) return
    const rows = [...page.querySelectorAll<HTMLTableRowElement>('tbody tr[data-id]')]
    const instance = page.body.dataset.instance
    if (instance) this.#context.listener.servedBy?.(instance, arrivalOf(this.frame))
    this.#context.listener.received(rows.map(eventOf).reverse(), arrivalOf(this.frame))
    this.#context.listener.state('idle', 'press Reload (or the link inside the page)')
  }
}

export const create = (context: ClientContext): RefreshTransport => new RefreshTransport(context)

export function controls(transport: RefreshTransport, into: HTMLElement): ControlsView {
  const button = h('button', { type: 'button', name: 'reload', disabled: '' }, 'Reload')
  button.addEventListener('click', () => transport.fetchNow())
  into.append(button, ' fetches the whole page again.', transport.frame)
  return { state: (state) => (button.disabled = state === 'closed') }
}
