import type { NetworkConditions as Conditions } from '../../shared/capture.ts'
import { DelayLine } from './delay-line.ts'

/** One direction of one connection: data sent into it arrives half a round trip later, in order. */
export interface OneWayTrip {
  send(task: () => void): void
  /** The connection is gone: drop what is still travelling. */
  cancel(): void
}

/**
 * The simulated network between every browser and this server. It is a
 * simulation (the real wire is a LAN or loopback), applied by the server to every
 * technique alike, and the page labels it "simulated":
 * one RTT for a new connection's handshake, one per HTTP request/response,
 * half an RTT per pushed event or frame.
 */
export class NetworkConditions implements Conditions {
  /** Simulated round-trip time, ms (0 = none). */
  rttMs = 0
  #listeners = new Set<(conditions: Conditions) => void>()
  #waiting = new Set<{ resolve: () => void }>()
  #released = false

  set(rttMs: number): Conditions {
    this.rttMs = rttMs
    for (const listener of this.#listeners) listener({ rttMs })
    return { rttMs }
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  onChange(listener: (conditions: Conditions) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Resolves after `ms`, or at once when there is nothing to wait for (or the server is closing). */
  wait(ms: number): Promise<void> {
    if (ms <= 0 || this.#released) return Promise.resolve()
    return new Promise((resolve) => {
      const pending = {
        resolve: () => {
          clearTimeout(timer)
          this.#waiting.delete(pending)
          resolve()
        }
      }
      const timer = setTimeout(pending.resolve, ms)
      this.#waiting.add(pending)
    })
  }

  /** The server is closing: let every delayed request through now, so shutdown stays quick. */
  release(): void {
    this.#released = true
    for (const pending of [...this.#waiting]) pending.resolve()
  }

  /** A one-way trip for a connection's pushed data: half the RTT in force when each item is sent. */
  oneWay(): OneWayTrip {
    const line = new DelayLine()
    return { send: (task) => line.run(this.rttMs / 2, task), cancel: () => line.cancel() }
  }
}
