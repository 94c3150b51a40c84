import type { FastifyPluginAsync, FastifyRequest, preValidationAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { OriginRefused } from './errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** preValidation hook for WebSocket routes: refuses, before the 101, an Origin that is not ours. */
    checkOrigin: preValidationAsyncHookHandler
  }
}

export interface OriginOptions {
  /** Extra origins allowed to open WebSockets, e.g. `https://teacher.example` (from ALLOWED_ORIGINS). */
  allowedOrigins?: string[]
}

/**
 * Browsers send `Origin` on every WebSocket handshake but do not apply CORS to it,
 * so any page on the web could open a socket to a classroom server. We accept only
 * our own origin (same host as the request was sent to) and an explicit allowlist.
 */
function isOwnOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    const { protocol, host } = new URL(origin)
    return (protocol === 'http:' || protocol === 'https:') && host === request.headers.host
  } catch {
    return false
  }
}

const originPlugin: FastifyPluginAsync<OriginOptions> = async (app, { allowedOrigins = [] }) => {
  const allowed = new Set(allowedOrigins)
  app.decorate('checkOrigin', async (request: FastifyRequest) => {
    const origin = request.headers.origin
    if (origin && (allowed.has(origin) || isOwnOrigin(request, origin))) return
    throw new OriginRefused(origin ?? '(missing)')
  })
}

export default fp(originPlugin, { name: 'origin' })
