import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { networkLimits } from '../../shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { clientIdSchema, clientQuerySchema } from '../schemas.ts'

/** The six techniques and chat messages cross the simulated network; the page's own traffic does not. */
function crossesSimulatedNetwork(request: FastifyRequest): boolean {
  const row = request.routeOptions.config.wireRow
  return row !== undefined && row !== 'page'
}

/**
 * Applies the simulated round trip to HTTP requests (pushed events and frames
 * are delayed by the SSE and WebSocket plugins), and serves the controls:
 * `GET/PUT /wire/network` (changing it takes the presenter token: it acts on every page)
 * and `POST /wire/drop` (a page cutting its own connections).
 */
const networkPlugin: FastifyPluginAsync = async (app) => {
  const network = app.network

  app.addHook('onRequest', async (request, reply) => {
    if (!crossesSimulatedNetwork(request)) return
    if (app.classroom.networkCut) {
      // The teacher cut the network for everyone: this connection fails as a dead network would.
      reply.hijack()
      request.raw.socket.destroy()
      return
    }
    // The handshake (one RTT) on a new connection (the wire plugin, registered first, says which), then the
    // request's trip to the server (half): the same connections the accounting counts as opened.
    await network.wait((request.newConnection ? network.rttMs : 0) + network.rttMs / 2)
  })

  app.addHook('onSend', async (request, _reply, payload) => {
    // The response's trip back to the browser (the other half).
    if (crossesSimulatedNetwork(request)) await network.wait(network.rttMs / 2)
    return payload
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
      const sockets = app.wire.socketsOf(request.body.client, request.body.technique)
      // Cut, not closed politely: this is the network failing, so no FIN handshake, no close frame.
      for (const socket of sockets) socket.destroy()
      return { dropped: sockets.length }
    }
  )
}

export default fp(networkPlugin, { name: 'network', dependencies: ['wire', 'presenter-token'] })
