import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { PresenterTokenMissing, PresenterTokenWrong } from '../errors.ts'
import { clientIdPattern } from '../schemas.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook for the teacher's controls: 401 without the presenter token, 403 with a wrong one. */
    requirePresenter: onRequestAsyncHookHandler
    /** The token the presenter URL carries (only ever printed to the console that started the server). */
    presenterToken: string
  }
}

export interface PresenterTokenOptions {
  /** PRESENTER_TOKEN, or a random one made at start. */
  presenterToken?: string
}

/** A random token, URL-safe: 24 bytes, 32 characters. */
export function makePresenterToken(): string {
  return randomBytes(24).toString('base64url')
}

function bearerOf(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  return match?.[1]
}

/**
 * Who may drive the room. The controls that change what every page sees (feed rate, pause,
 * the simulated network, the lesson, the techniques, cutting the network, announcements)
 * take `Authorization: Bearer <token>`. The presenter page reads the token from its URL's
 * fragment (`/presenter#token=…`), which browsers never send to the server or in a Referer.
 */
const presenterTokenPlugin: FastifyPluginAsync<PresenterTokenOptions> = async (app, options) => {
  const token = options.presenterToken ?? makePresenterToken()
  const expected = Buffer.from(token)
  app.decorate('presenterToken', token)
  app.decorate('requirePresenter', async (request: FastifyRequest, reply: FastifyReply) => {
    const given = bearerOf(request)
    if (given === undefined) {
      reply.header('www-authenticate', 'Bearer realm="wirewatch presenter"')
      throw new PresenterTokenMissing()
    }
    const candidate = Buffer.from(given)
    // Constant time: the comparison must not tell a guesser how many characters were right.
    if (candidate.length !== expected.length || !timingSafeEqual(candidate, expected)) throw new PresenterTokenWrong()
    // The page that sent it is the teacher's (console, projector): the room's audience leaves it out.
    // onRequest runs before the query is validated, hence the pattern here.
    const { client } = request.query as { client?: unknown }
    if (typeof client === 'string' && clientIdPattern.test(client)) app.audience.markTeacher(client)
  })
}

export default fp(presenterTokenPlugin, { name: 'presenter-token', decorators: { fastify: ['audience'] } })
