interface Pending {
  dueAt: number
  task: () => void
}

/**
 * Runs tasks after a delay, strictly in the order they were given: a task never
 * overtakes an earlier one, even when the delay shrinks in between (RTT 500 → 0).
 * One timer serves the whole queue, so equal due times cannot swap.
 */
export class DelayLine {
  #queue: Pending[] = []
  #timer: NodeJS.Timeout | undefined

  run(delayMs: number, task: () => void): void {
    // Nothing waiting and no delay: no timer hop at all.
    if (delayMs <= 0 && this.#queue.length === 0) {
      task()
      return
    }
    const dueAt = Math.max(Date.now() + delayMs, this.#queue.at(-1)?.dueAt ?? 0)
    this.#queue.push({ dueAt, task })
    if (!this.#timer) this.#schedule()
  }

  /** Forgets every waiting task (the connection is gone). */
  cancel(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#queue = []
  }

  #schedule(): void {
    const next = this.#queue[0]
    if (!next) return
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, next.dueAt - Date.now()))
  }

  #flush(): void {
    this.#timer = undefined
    const now = Date.now()
    while (this.#queue[0] && this.#queue[0].dueAt <= now) this.#queue.shift()?.task()
    this.#schedule()
  }
}
