import helmet from '@fastify/helmet'
import type { FastifyPluginAsync, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { isTechniqueName, techniques } from '../shared/techniques.ts'

/**
 * The feed's data routes (the JSON and streams the techniques read, and what pages send):
 * not documents, nothing in them runs, and their heads are what the lessons measure, so
 * they carry no document headers. A technique whose answer is an HTML page does.
 */
function isDataRoute(route: RouteOptions): boolean {
  const row = (route.config as { wireRow?: string } | undefined)?.wireRow
  if (row === undefined) return false
  return !isTechniqueName(row) || techniques[row].contentType !== 'text/html'
}

/**
 * Security headers on every page, led by a strict Content-Security-Policy: scripts,
 * styles and connections only from this server, no inline script or style, no plugins,
 * no framing by other sites. Even if student text ever reached the DOM as HTML, an
 * `onerror=` or `<script>` in it could not run. No `upgrade-insecure-requests` and no
 * HSTS: a classroom runs on plain `http://<LAN address>`, and pinning HTTPS on it would
 * lock students out.
 */
const securityHeaders: FastifyPluginAsync = async (app) => {
  // Before helmet's own onRoute hook, which reads `helmet: false`.
  app.addHook('onRoute', (route) => {
    if (isDataRoute(route)) Object.assign(route, { helmet: false })
  })
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"], // 'self' covers ws:// and wss:// to this host
        frameSrc: ["'self'"],
        frameAncestors: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"]
      }
    },
    strictTransportSecurity: false
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
