import helmet from '@fastify/helmet'
import type { FastifyPluginAsync, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { isTechniqueName, techniques } from '../shared/techniques.ts'
import { isPotentiallyTrustworthy } from './trustworthy-origin.ts'

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
 * The headers a browser uses only on a page from a potentially trustworthy origin (https, or
 * loopback), with helmet's default values. On `http://<LAN address>` Chromium ignores them, and
 * for COOP says so in every page's console ("…has been ignored, because the URL's origin was
 * untrustworthy"), which a class reads as a fault. HSTS is not here: it stays off even over TLS
 * (see below).
 */
const secureContextHeaders = {
  'cross-origin-opener-policy': 'same-origin',
  'origin-agent-cluster': '?1'
} as const

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by our onRoute hook: `false` on a data route, which gets no document headers. */
    documentHeaders?: boolean
  }
}

/**
 * Security headers on every page, led by a strict Content-Security-Policy: scripts,
 * styles and connections only from this server, no inline script or style, no plugins,
 * no framing by other sites. Even if student text ever reached the DOM as HTML, an
 * `onerror=` or `<script>` in it could not run. No `upgrade-insecure-requests` and no
 * HSTS: a classroom runs on plain `http://<LAN address>`, and pinning HTTPS on it would
 * lock students out. The headers that need a secure context are sent only where the
 * request's origin can be one (`secureContextHeaders`), decided per request from its
 * scheme and Host: the same server is opened as `http://localhost` and `http://192.168.…`.
 */
const securityHeaders: FastifyPluginAsync = async (app) => {
  // Before helmet's own onRoute hook, which reads `helmet: false`.
  app.addHook('onRoute', (route) => {
    const documentHeaders = !isDataRoute(route)
    route.config = { ...route.config, documentHeaders }
    if (!documentHeaders) Object.assign(route, { helmet: false })
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
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: false,
    originAgentCluster: false
  })
  // A route without our mark (the not-found handler) is a document: helmet gives it its headers too.
  // A callback hook, not an async one: every data request passes here, and a promise each was garbage.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.documentHeaders !== false && isPotentiallyTrustworthy(request))
      reply.headers(secureContextHeaders)
    done()
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
