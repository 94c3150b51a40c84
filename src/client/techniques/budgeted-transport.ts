import type { Technique } from '../../shared/techniques.ts'
import { holdsConnection } from '../../shared/techniques.ts'
import type { FeedClientMessage } from '../../shared/websocket-messages.ts'
import type { ConnectionBudget, Holding } from '../platform/connection-budget.ts'
import type { ClientListener, Transport } from './transport.ts'

/**
 * A technique's transport that opens its held response only when this browser's budget of
 * HTTP/1.1 connections allows (see connection-budget.ts), and is paused, saying why, when not.
 * Techniques that hold no connection are returned as they are.
 */
export function withConnectionBudget(
  transport: Transport,
  technique: Technique,
  budget: ConnectionBudget,
  listener: ClientListener
): Transport {
  return holdsConnection(technique) ? new BudgetedTransport(transport, budget, listener) : transport
}

class BudgetedTransport implements Transport {
  #inner: Transport
  #budget: ConnectionBudget
  #listener: ClientListener
  #holding: Holding | undefined
  #running = false
  fetchNow?: () => void
  send?: (message: FeedClientMessage) => boolean

  constructor(inner: Transport, budget: ConnectionBudget, listener: ClientListener) {
    this.#inner = inner
    this.#budget = budget
    this.#listener = listener
    if (inner.fetchNow) this.fetchNow = () => inner.fetchNow?.()
    if (inner.send) this.send = (message) => inner.send?.(message) ?? false
  }

  get settings(): object {
    return this.#inner.settings
  }

  start(): void {
    this.#holding?.release()
    const holding = this.#budget.hold({
      grant: () => {
        this.#running = true
        this.#inner.start()
      },
      pause: (reason) => {
        if (this.#running) this.#inner.stop()
        this.#running = false
        this.#listener.paused?.({ reason, takeOver: () => holding.takeOver() })
      }
    })
    this.#holding = holding
  }

  stop(): void {
    this.#holding?.release()
    this.#holding = undefined
    this.#running = false
    this.#inner.stop()
  }
}
