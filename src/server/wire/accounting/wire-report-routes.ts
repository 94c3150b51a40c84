import type { FastifyPluginAsync } from 'fastify'
import { clientIdSchema } from '../../schemas.ts'

/** `client=` the page reported on; `asker=` the page asking, when another (its traffic is charged to it). */
const reportQuerySchema = { type: 'object', properties: { client: clientIdSchema, asker: clientIdSchema } } as const

/** `GET /wire`: the counters of one page (`client=`), or the totals of every page. */
const wireReportRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { client?: string } }>(
    '/wire',
    { schema: { querystring: reportQuerySchema } },
    async (request) => app.wire.report(request.query.client, app.feed.latest)
  )
}

export default wireReportRoutes
