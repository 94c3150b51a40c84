import type { FastifyPluginAsync } from 'fastify'
import type { CaptureReport, HandshakeExplained, WireWatch } from '../../../shared/capture.ts'
import { type TechniqueName, techniqueNames } from '../../../shared/techniques.ts'
import { NoHandshakeYet } from '../../errors.ts'
import { clientIdSchema, clientQuerySchema, cursorSchema } from '../../schemas.ts'
import { explainHandshake } from './handshake.ts'

interface CaptureQuery {
  client: string
  technique?: TechniqueName
  since?: number
}

/**
 * `GET /wire/capture`: the raw exchanges, stream chunks and frames captured for one
 * page, newer than `since`. `GET /wire/handshake`: that page's newest WebSocket
 * opening handshake, recomputed step by step. `POST /wire/watch`: the page's wire view is
 * open, so its requests are read as bytes for the next minute.
 */
const captureRoutes: FastifyPluginAsync = async (app) => {
  const captureQuery = {
    type: 'object',
    required: ['client'],
    properties: { client: clientIdSchema, technique: { type: 'string', enum: techniqueNames }, since: cursorSchema }
  } as const
  const handshakeQuery = { type: 'object', required: ['client'], properties: { client: clientIdSchema } } as const

  app.get<{ Querystring: CaptureQuery }>(
    '/wire/capture',
    { schema: { querystring: captureQuery } },
    async (request): Promise<CaptureReport> => {
      const { client, technique, since } = request.query
      app.capture.viewed(client)
      return { client, latest: app.capture.latest, items: app.capture.since(client, technique, since) }
    }
  )

  app.post<{ Body: { client: string } }>(
    '/wire/watch',
    {
      schema: {
        querystring: clientQuerySchema,
        body: {
          type: 'object',
          required: ['client'],
          additionalProperties: false,
          properties: { client: clientIdSchema }
        }
      }
    },
    async (request): Promise<WireWatch> => {
      const { client } = request.body
      app.capture.viewed(client)
      // The address the tap sees on the page's sockets (not `request.ip`, which a proxy setting may rewrite).
      return { client, until: app.watchedPages.watch(client, request.raw.socket.remoteAddress) }
    }
  )

  app.get<{ Querystring: { client: string } }>(
    '/wire/handshake',
    { schema: { querystring: handshakeQuery } },
    async (request): Promise<HandshakeExplained> => {
      const { client } = request.query
      app.capture.viewed(client)
      const handshake = app.capture.handshake(client)
      if (!handshake) throw new NoHandshakeYet(client)
      return explainHandshake(client, handshake)
    }
  )
}

export default captureRoutes
