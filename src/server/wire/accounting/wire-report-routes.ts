import type { FastifyPluginAsync } from 'fastify'
import { clientIdSchema } from '../../schemas.ts'

/** `client=` the page reported on; `asker=` the page asking, when another (its traffic is charged to it). */
const reportQuerySchema = { type: 'object', properties: { client: clientIdSchema, asker: clientIdSchema } } as const

/**
 * `GET /wire`: the counters of one page (`client=`), or the totals of every page, as this instance
 * counted them on its own sockets; with several instances, `instances` names the one that answered.
 */
const wireReportRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { client?: string } }>(
    '/wire',
    { schema: { querystring: reportQuerySchema } },
    async (request) => {
      const report = app.wire.report(request.query.client, app.feed.latest)
      return app.sharedFeed ? { ...report, instances: [app.instanceName] } : report
    }
  )
}

export default wireReportRoutes
