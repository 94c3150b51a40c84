import type { FastifyPluginAsync } from 'fastify'
import { contentOf, type FeedEvent } from '../../shared/feed-event.ts'
import { escapeHtml } from '../page-layout.ts'
import { clientQuerySchema } from '../schemas.ts'

const shown = 20

function row(event: FeedEvent): string {
  const time = new Date(event.at).toISOString().slice(11, 23)
  // data-data: the event's data as JSON (escaped), so the page's panel can read back exactly what was sent.
  const data = escapeHtml(JSON.stringify(event.data))
  return `<tr data-id="${event.id}" data-at="${event.at}" data-kind="${event.kind}" data-data="${data}"><td>${event.id}</td><td>${time}</td><td>${event.kind}</td><td>${escapeHtml(contentOf(event))}</td></tr>`
}

/**
 * Manual refresh: a whole HTML page rendered on the server, no JavaScript.
 * To see anything new the user reloads it, and the browser fetches everything again.
 */
const refresh: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { client?: string } }>(
    '/feed/refresh',
    {
      schema: { querystring: clientQuerySchema },
      config: { wireRow: 'refresh' }
    },
    async (request, reply) => {
      const events = app.feed.recent(shown)
      app.wire.countEvents(request.raw, events.length)
      const self = request.query.client ? `/feed/refresh?client=${request.query.client}` : '/feed/refresh'
      const renderedAt = new Date().toISOString().slice(11, 23)
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store')
      return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latest events: manual refresh</title>
<link rel="stylesheet" href="/refresh.css">
</head>
<body data-latest="${app.feed.latest}"${app.sharedFeed ? ` data-instance="${app.instanceName}"` : ''}>
<p>Rendered by the server at <time>${renderedAt}</time> UTC. Nothing changes until you <a href="${self}">reload</a>.</p>
<table>
<thead><tr><th>id</th><th>time (UTC)</th><th>kind</th><th>content</th></tr></thead>
<tbody>
${events.toReversed().map(row).join('\n')}
</tbody>
</table>
</body>
</html>
`
    }
  )
}

export default refresh
