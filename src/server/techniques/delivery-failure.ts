import type { FastifyRequest } from 'fastify'
import type { TechniqueName } from '../../shared/techniques.ts'
import type { DeliveryFailed } from '../feed/feed-types.ts'

/**
 * The one way a technique handles a delivery that threw (a write on a broken socket, a bug in an
 * encoder): log it with the page's client id and the technique, and close THAT connection. The
 * process, the feed and every other connection carry on; the closed client resumes from its cursor.
 * Called any number of times (the feed's catch and the delayed write's), it logs and closes once.
 */
export function deliveryFailure(
  request: FastifyRequest<{ Querystring: { client?: string } }>,
  technique: TechniqueName,
  close: () => void
): DeliveryFailed {
  let failed = false
  return (error) => {
    if (failed) return
    failed = true
    request.log.error({ err: error, client: request.query.client, technique }, 'delivery failed: connection closed')
    close()
  }
}

/**
 * Wraps a write that runs later (the simulated network delays it to a timer): a throw there would
 * be uncaught and end the process, so it goes to `failed` instead.
 */
export function guarded(task: () => void, failed: DeliveryFailed): () => void {
  return () => {
    try {
      task()
    } catch (error) {
      failed(error)
    }
  }
}
