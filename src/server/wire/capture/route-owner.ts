import type { IncomingMessage } from 'node:http'
import type { RowName } from '../../../shared/techniques.ts'

/** Whose a request is, as its route declares it: read by the capture, which sees bytes before any route. */
export interface RouteOwner {
  row: RowName
  /** The page (`client=`), when the request names a valid one. */
  client: string | undefined
  /** The response never ends (an event stream): the route's `config.wireStreams`. */
  streams: boolean
}

const routeOwner = Symbol('wirewatch route owner')

type Marked = IncomingMessage & { [routeOwner]?: RouteOwner }

/** Fastify routed `request` (its onRequest hook): this is whose it is. */
export function markRouteOwner(request: IncomingMessage, owner: RouteOwner): void {
  ;(request as Marked)[routeOwner] = owner
}

/** Whose `request` is, or undefined while no route has said (and for ever if none does). */
export function routeOwnerOf(request: IncomingMessage): RouteOwner | undefined {
  return (request as Marked)[routeOwner]
}
