import type { FastifyPluginAsync } from 'fastify'
import wireReportRoutes from './accounting/wire-report-routes.ts'
import liveChannel from './live/live-channel.ts'

/** The wire's page-facing routes: `GET /wire` (the accounting's counters) and `/wire/live` (the page's live channel). */
const wireRoutes: FastifyPluginAsync = async (app) => {
  await app.register(wireReportRoutes)
  await app.register(liveChannel)
}

export default wireRoutes
