import type { FastifyPluginAsync, FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { type OriginVerdict, publicUrlSetting } from '../shared/origin-verdict.ts'
import { OriginRefused } from './errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** preValidation hook for WebSocket routes: refuses, before the 101, an Origin that is not ours. */
    checkOrigin: preValidationAsyncHookHandler
    /** What the Origin check makes of this request's `Origin` and `Host`, and why, in plain words. */
    originVerdict: (request: FastifyRequest) => OriginVerdict
  }
}

export interface OriginOptions {
  /** Extra origins allowed to open WebSockets, e.g. `https://teacher.example` (from ALLOWED_ORIGINS). */
  allowedOrigins?: string[]
  /** The address people open, e.g. `https://wirewatch.school.example/` (PUBLIC_URL): its origin is accepted. */
  publicUrl?: string
}

// Distinct refused origin/host pairs logged; beyond this many, refusals are no longer logged
// (a page reconnecting every 2 s is one pair; a flood of made-up origins must not grow memory).
const loggedPairsMax = 100

/** An `http:`/`https:` origin as `scheme://host[:port]`, or undefined for anything else (`null`, junk). */
function webOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

/** Why `origin` was refused for a request sent to `host`, naming the setting that would accept it. */
function refusalReason(origin: string | null, host: string | null, publicOrigin: string | undefined): string {
  const url = origin === null ? undefined : webOrigin(origin)
  if (!url)
    return `it carried ${origin === null ? 'no Origin' : `the Origin "${origin}"`}, which is no web page's address.`
  const through = `it came through ${url.origin} (Origin)`
  if (publicOrigin)
    return `${through}, but ${publicUrlSetting} is ${publicOrigin}. Open the page at ${publicOrigin}, or start the server with ${publicUrlSetting}=${url.origin}.`
  return `${through}, but the server thinks it is ${host ?? '(no Host)'} (Host). If a proxy is in front, start the server with ${publicUrlSetting}=${url.origin}.`
}

/**
 * Browsers send `Origin` on every WebSocket handshake but do not apply CORS to it,
 * so any page on the web could open a socket to a classroom server. We accept only
 * our own origin (same host as the request was sent to), the origin of PUBLIC_URL
 * (behind a proxy the Host is often the upstream's own address) and an explicit allowlist.
 */
const originPlugin: FastifyPluginAsync<OriginOptions> = async (app, { allowedOrigins = [], publicUrl }) => {
  const publicOrigin = publicUrl === undefined ? undefined : new URL(publicUrl).origin
  const allowed = new Set(publicOrigin ? [...allowedOrigins, publicOrigin] : allowedOrigins)
  const loggedPairs = new Set<string>()

  const verdictOf = (request: FastifyRequest): OriginVerdict => {
    const origin = request.headers.origin ?? null
    // Fastify's `host` reads `:authority` over HTTP/2, where there is no Host header.
    const host = request.host || null
    const own = origin !== null && host !== null && webOrigin(origin)?.host === host
    const accepted = origin !== null && (allowed.has(origin) || own)
    const message = accepted ? '' : refusalReason(origin, host, publicOrigin)
    return { accepted, origin, host, setting: publicUrlSetting, message }
  }

  app.decorate('originVerdict', verdictOf)
  app.decorate('checkOrigin', async (request: FastifyRequest) => {
    const verdict = verdictOf(request)
    if (verdict.accepted) return
    // Once per origin/host pair: a room of pages reconnecting every 2 s would otherwise flood the log.
    const pair = `${verdict.origin} ${verdict.host}`
    if (!loggedPairs.has(pair) && loggedPairs.size < loggedPairsMax) {
      loggedPairs.add(pair)
      request.log.warn(
        { origin: verdict.origin, host: verdict.host },
        `refused a WebSocket on ${request.url.split('?')[0]}: ${verdict.message}`
      )
    }
    throw new OriginRefused(verdict.origin ?? '(missing)')
  })
}

export default fp(originPlugin, { name: 'origin' })
