import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../dom.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'

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
 * rows the page shows, to compare them with the other techniques.
 */
class RefreshClient implements TechniqueClient {
  #context: ClientContext
  #frame = h('iframe', { title: 'The page /feed/refresh, as the server rendered it', src: 'about:blank' })
  #button = h('button', { type: 'button', name: 'reload', disabled: '' }, 'Reload')
  #on = false

  constructor(context: ClientContext) {
    this.#context = context
    this.#button.addEventListener('click', () => this.#load())
    this.#frame.addEventListener('load', () => this.#loaded())
    context.controls.append(this.#button, ' fetches the whole page again.', this.#frame)
  }

  start(): void {
    this.#on = true
    this.#button.disabled = false
    this.#load()
  }

  fetchNow(): void {
    if (!this.#button.disabled) this.#load()
  }

  stop(): void {
    this.#on = false
    this.#button.disabled = true
    this.#frame.src = 'about:blank'
    this.#context.listener.state('closed')
  }

  #load(): void {
    this.#context.listener.state('waiting')
    // Assigning src always navigates, even to the same URL: a real reload, no cache (the page says no-store).
    this.#frame.src = `/feed/refresh?client=${this.#context.clientId}`
  }

  #loaded(): void {
    const page = this.#frame.contentDocument
    if (!this.#on || !page?.location.pathname.startsWith('/feed/refresh')) return
    const rows = [...page.querySelectorAll<HTMLTableRowElement>('tbody tr[data-id]')]
    this.#context.listener.received(rows.map(eventOf).reverse(), arrivalOf(this.#frame))
    this.#context.listener.state('idle', 'press Reload (or the link inside the page)')
  }
}

export const create: CreateClient = (context) => new RefreshClient(context)
