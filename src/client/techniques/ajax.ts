import { h } from '../platform/dom.ts'
import { pull } from './pull.ts'
import type { ClientContext, ControlsView, Transport } from './transport.ts'

/** Manual AJAX: one `fetch` when the user presses Update, and never otherwise. */
class AjaxTransport implements Transport {
  readonly settings = {}
  #context: ClientContext
  #on = false
  #after: number | undefined
  #inFlight: AbortController | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#after = context.after
  }

  start(): void {
    this.#on = true
    this.#context.listener.state('idle', 'press Update')
  }

  fetchNow(): void {
    if (this.#on) void this.#update()
  }

  stop(): void {
    this.#on = false
    this.#inFlight?.abort()
    this.#context.listener.state('closed')
  }

  async #update(): Promise<void> {
    const { listener, clientId, io } = this.#context
    this.#inFlight?.abort()
    const request = new AbortController()
    this.#inFlight = request
    listener.state('waiting')
    try {
      this.#after = await pull(io, 'ajax', { client: clientId, after: this.#after }, listener, request.signal)
      listener.state('idle', 'press Update')
    } catch (error) {
      if (!request.signal.aborted) listener.state('error', (error as Error).message)
    }
  }
}

export const create = (context: ClientContext): AjaxTransport => new AjaxTransport(context)

export function controls(transport: AjaxTransport, into: HTMLElement): ControlsView {
  const button = h('button', { type: 'button', name: 'update', disabled: '' }, 'Update')
  button.addEventListener('click', () => transport.fetchNow())
  into.append(button, ' asks the server once for what is new since the last event shown.')
  return { state: (state) => (button.disabled = state === 'closed') }
}
