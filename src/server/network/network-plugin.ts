import type { FastifyPluginAsync, onRequestHookHandler, onSendHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { networkLimits } from '../../shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { clientIdSchema, clientQuerySchema } from '../schemas.ts'

/** Every technique's traffic and chat messages cross the simulated network; the page's own traffic does not. */
function crossesSimulatedNetwork(route: RouteOptions): boolean {
  const row = route.config?.wireRow
  return row !== undefined && row !== 'page'
}

/** Appends `hook` to the route's own hooks of that name: route-level, so other routes never call it. */
function addRouteHook<Name extends 'onRequest' | 'onSend'>(
  route: RouteOptions,
  name: Name,
  hook: RouteOptions[Name]
): void {
  const own = route[name]
  route[name] = (own === undefined ? [hook] : [own, hook].flat()) as RouteOptions[Name]
}

/**
 * Applies the simulated round trip to HTTP requests (pushed events and frames are
 * delayed by every push technique, in `pushFeed`), and serves the controls:
 * `GET/PUT /wire/network` (changing it takes the presenter token: it acts on every page)
 * and `POST /wire/drop` (a page cutting its own connections).
 */
const networkPlugin: FastifyPluginAsync = async (app) => {
  const network = app.network

  // Callback hooks, not async ones: with no simulated delay (the usual case) a request pays no promise.
  // Route-level, on the routes that cross the network only: the page's own requests never call them.
  const delayRequest: onRequestHookHandler = (request, reply, done) => {
    if (app.classroom.networkCut) {
      // The teacher cut the network for everyone: this connection fails as a dead network would.
      reply.hijack()
      app.wire.cutConnectionOf(request.raw)
      return done()
    }
    // The handshake (one RTT) on a new connection (the wire plugin, registered first, says which), then the
    // request's trip to the server (half): the same connections the accounting counts as opened.
    const delayMs = (request.newConnection ? network.rttMs : 0) + network.rttMs / 2
    if (delayMs <= 0) return done()
    network.wait(delayMs).then(() => done(), done)
  }
  const delayResponse: onSendHookHandler = (_request, _reply, payload, done) => {
    // The response's trip back to the browser (the other half).
    if (network.rttMs <= 0) return done(null, payload)
    network.wait(network.rttMs / 2).then(() => done(null, payload), done)
  }
  app.addHook('onRoute', (route) => {
    if (!crossesSimulatedNetwork(route)) return
    addRouteHook(route, 'onRequest', delayRequest)
    addRouteHook(route, 'onSend', delayResponse)
  })

  app.addHook('preClose', async () => network.release())

  const clientQuery = clientQuerySchema

  app.get('/wire/network', { schema: { querystring: clientQuery } }, async () => ({ rttMs: network.rttMs }))

  app.put<{ Body: { rttMs: number } }>(
    '/wire/network',
    {
      onRequest: app.requirePresenter,
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          required: ['rttMs'],
          additionalProperties: false,
          properties: { rttMs: { type: 'integer', minimum: 0, maximum: networkLimits.rttMaxMs } }
        }
      }
    },
    async (request) => network.set(request.body.rttMs)
  )

  app.post<{ Body: { client: string; technique: TechniqueName } }>(
    '/wire/drop',
    {
      onRequest: app.limitSends('drop'),
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          required: ['client', 'technique'],
          additionalProperties: false,
          properties: { client: clientIdSchema, technique: { type: 'string', enum: techniqueNames } }
        }
      }
    },
    async (request) => {
      // Cut, not closed politely: no close frame, no FIN from HTTP. Over HTTP/2 the technique's streams are
      // reset and the page's other streams carry on, as this page's other panels do over HTTP/1.1.
      return { dropped: app.wire.cut(request.body.client, [request.body.technique], 'streams') }
    }
  )
}

export default fp(networkPlugin, { name: 'network', dependencies: ['wire', 'presenter-token'] })
