import type { FastifyPluginAsync } from 'fastify'
import { clientQuerySchema } from '../../schemas.ts'

/** `GET /wire`: the counters of one page (`client=`), or the totals of every page. */
const wireReportRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { client?: string } }>(
    '/wire',
    { schema: { querystring: clientQuerySchema } },
    async (request) => app.wire.report(request.query.client, app.feed.latest)
  )
}

export default wireReportRoutes
