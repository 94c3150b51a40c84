import type { FeedEvent } from '../../shared/feed-event.ts'
import { browserNow, h } from '../platform/dom.ts'
import { type ClientContext, type ControlsView, serverUrl, type Transport } from './transport.ts'

/** After the frame's page ends (the server restarting), load it again from our cursor after this long. */
const reloadAfterMs = 1_000
/**
 * A cut connection fires nothing in the frame: its page just stops growing. The server sends a
 * heartbeat script every 5 s, so this long without any script means the stream is gone.
 */
const silenceMs = 8_000

/** What a script in the frame hands up: an event, a reset (our cursor was too old), or a heartbeat. */
type FrameMessage = FeedEvent | { reset: true; latest: number } | { alive: true } | { instance: string }

/**
 * The forever frame (Comet, before WebSocket): a hidden iframe loads a page that never finishes,
 * and each `<script>` the server writes into it passes one event up with `postMessage`. The
 * page listens only to its own frame, from its own origin. A page that ends fires `load`, and
 * a cut one goes silent: either way we load it again with `after=` the last id.
 */
class IframeStreamTransport implements Transport {
  readonly settings = {}
  /** A frame needs a document: this transport runs in a browser only, its frame put on the page by its controls. */
  readonly frame = h('iframe', {
    title: 'The hidden forever frame /feed/iframe-stream',
    hidden: '',
    src: 'about:blank'
  })
  #context: ClientContext
  #after: number | undefined
  #on = false
  /** The frame holds the stream (not about:blank): its `load` means the stream ended. */
  #streaming = false
  #reload: ReturnType<typeof setTimeout> | undefined
  #watchdog: ReturnType<typeof setTimeout> | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
    window.addEventListener('message', (message) => {
      if (message.source !== this.frame.contentWindow || message.origin !== this.#context.io.origin) return
      this.#receive(message.data as FrameMessage)
    })
    this.frame.addEventListener('load', () => {
      // Not by reading the frame's address: after a cut it shows the browser's error page, which we may not read.
      if (!this.#on || !this.#streaming) return
      // A forever frame only finishes loading when its response ended: ask again from the last id.
      this.#context.listener.state('connecting', 'the frame’s page ended; loading it again from the last id')
      this.#reload = setTimeout(() => this.#load(), reloadAfterMs)
    })
  }

  start(): void {
    this.#on = true
    this.#load()
  }

  stop(): void {
    this.#on = false
    this.#streaming = false
    clearTimeout(this.#reload)
    clearTimeout(this.#watchdog)
    this.frame.src = 'about:blank'
    this.#context.listener.state('closed')
  }

  #load(): void {
    clearTimeout(this.#reload)
    // A page is "loaded" only once its frames are, and this one never is: started before the page's own
    // load, it would keep the page loading for ever (the spinner of the Comet years). So it waits for it.
    if (document.readyState !== 'complete') {
      window.addEventListener('load', () => this.#on && this.#load(), { once: true })
      this.#context.listener.state('connecting', 'waiting for the page to finish loading')
      return
    }
    this.#context.listener.state('open', 'the frame’s page is still loading, one script per event')
    this.#streaming = true
    const { io, clientId } = this.#context
    this.frame.src = serverUrl(io, '/feed/iframe-stream', { client: clientId, after: this.#after })
    this.#context.listener.asking?.(browserNow())
    this.#heard()
  }

  /** Something came from the frame (or it was just loaded): the stream is alive for another `silenceMs`. */
  #heard(): void {
    clearTimeout(this.#watchdog)
    this.#watchdog = setTimeout(() => {
      if (!this.#on) return
      this.#context.listener.state(
        'connecting',
        `no script for ${silenceMs / 1000} s: loading the frame again from the last id`
      )
      this.#load()
    }, silenceMs)
  }

  #receive(data: FrameMessage): void {
    this.#context.listener.asking?.(undefined)
    this.#heard()
    if ('alive' in data) return
    if ('instance' in data) {
      this.#context.listener.servedBy?.(data.instance, browserNow())
      return
    }
    if ('reset' in data) {
      this.#context.listener.reset()
      return
    }
    this.#after = data.id
    this.#context.listener.received([data], browserNow())
  }
}

export const create = (context: ClientContext): IframeStreamTransport => new IframeStreamTransport(context)

export function controls(transport: IframeStreamTransport, into: HTMLElement): ControlsView {
  into.append(
    h('span', {}, 'A hidden iframe whose page never ends: one <script> per event. It resumes after the last id.'),
    transport.frame
  )
  return {}
}
