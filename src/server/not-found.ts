import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { prefersHtml } from './accepts-html.ts'
import { RouteNotFound } from './errors.ts'
import { notFoundPage } from './not-found-page.ts'

/** Where the API lives: a wrong address there is a client's bug, answered in JSON whoever asks. */
const apiPrefixes = ['/feed', '/wire', '/classroom', '/jobs', '/game']

function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? ''
  return apiPrefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))
}

/**
 * What an address no route answers gets. A browser's navigation (it prefers `text/html`) to a page
 * address gets the site's 404 page, with the way on; everything else, and every API path, gets
 * the JSON error every route gives (`WW_ERR_NOT_FOUND`). Status 404 either way.
 */
const notFound: FastifyPluginAsync = async (app) => {
  const page = notFoundPage({ heading: 'There is no page at this address', lessons: app.lessons })
  app.setNotFoundHandler((request, reply) => {
    const browsing = (request.method === 'GET' || request.method === 'HEAD') && prefersHtml(request.headers.accept)
    if (!browsing || isApiPath(request.url)) throw new RouteNotFound(request.method, request.url)
    return reply.code(404).type('text/html; charset=utf-8').send(page)
  })
}

export default fp(notFound, { name: 'not-found', dependencies: ['lessons'] })
