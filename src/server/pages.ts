import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync } from 'fastify'

/** Where esbuild writes the browser bundle next to the hand-written HTML and CSS. */
export const publicDir = fileURLToPath(new URL('../../public/', import.meta.url))

/** The side-by-side page and its assets, served from `public/`. */
const pages: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: publicDir, index: 'index.html' })
  // A page without an icon link (the refresh page, opened alone; a JSON answer) makes the browser
  // ask for /favicon.ico: it gets the same SVG icon instead of a 404 in its console.
  app.get('/favicon.ico', (_request, reply) => reply.type('image/svg+xml').sendFile('favicon.svg'))
}

export default pages
