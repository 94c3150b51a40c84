import { h } from '../dom.ts'
import type { ClientContext, CreateClient, TechniqueClient } from '../technique-client.ts'
import { pull } from './pull.ts'

/** Manual AJAX: one `fetch` when the user presses Update, and never otherwise. */
class AjaxClient implements TechniqueClient {
  #context: ClientContext
  #button = h('button', { type: 'button', name: 'update', disabled: '' }, 'Update')
  #after: number | undefined
  #inFlight: AbortController | undefined

  constructor(context: ClientContext) {
    this.#context = context
    this.#button.addEventListener('click', () => this.#update())
    context.controls.append(this.#button, ' asks the server once for what is new since the last event shown.')
  }

  start(): void {
    this.#button.disabled = false
    this.#context.listener.state('idle', 'press Update')
  }

  fetchNow(): void {
    if (!this.#button.disabled) this.#update()
  }

  stop(): void {
    this.#inFlight?.abort()
    this.#button.disabled = true
    this.#context.listener.state('closed')
  }

  async #update(): Promise<void> {
    const { listener, clientId } = this.#context
    this.#inFlight?.abort()
    const request = new AbortController()
    this.#inFlight = request
    listener.state('waiting')
    try {
      this.#after = await pull('ajax', { client: clientId, after: this.#after }, listener, request.signal)
      listener.state('idle', 'press Update')
    } catch (error) {
      if (!request.signal.aborted) listener.state('error', (error as Error).message)
    }
  }
}

export const create: CreateClient = (context) => new AjaxClient(context)
