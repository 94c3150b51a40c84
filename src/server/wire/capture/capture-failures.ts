import type { FastifyBaseLogger } from 'fastify'

/** Distinct causes remembered; past this a new cause is still logged, an old one may be logged again. */
const causesKept = 100

/**
 * The capture swallows its own errors so that traffic is never disturbed, but a swallowed error
 * must not be silent (a Node upgrade that changes what the tap relies on would only show as empty
 * wire views): each distinct cause is logged once, as a warning, with the page of the socket.
 */
export class CaptureFailures {
  #log: FastifyBaseLogger
  #seen = new Set<string>()

  constructor(log: FastifyBaseLogger) {
    this.#log = log
  }

  /** The capture of a socket that last served page `client` failed with `error`, and stopped. */
  report = (error: unknown, client: string | undefined): void => {
    const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    if (this.#seen.has(cause)) return
    if (this.#seen.size >= causesKept) this.#seen.clear()
    this.#seen.add(cause)
    this.#log.warn({ err: error, client }, `wire capture stopped on a socket: ${cause}`)
  }
}
