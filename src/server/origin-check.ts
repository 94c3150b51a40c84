import type { FastifyPluginAsync } from 'fastify'
import { clientQuerySchema } from './schemas.ts'

/**
 * `POST /wire/origin-check`: what the Origin check makes of this very request. A browser only
 * sees close code 1006 when its WebSocket handshake is refused; a same-origin POST carries the
 * same `Origin` (and, through the same proxy, the same `Host`), so the page can ask why and say so.
 */
const originCheckRoute: FastifyPluginAsync = async (app) => {
  app.post('/wire/origin-check', { schema: { querystring: clientQuerySchema } }, async (request) =>
    app.originVerdict(request)
  )
}

export default originCheckRoute
