import { randomBytes } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import { eventJson } from '../feed/encoded.ts'
import { type CursorQuery, cursorQuerySchema } from '../schemas.ts'
import type { PushOptions } from './push-connection.ts'
import { type StreamFormat, streamedResponses } from './streamed-response.ts'

/**
 * A heartbeat script this often. A frame cannot tell a cut connection from a quiet feed (the page
 * just stops growing, and no event says so), so the parent reloads it after a silence: this keeps
 * the silence short when nothing is wrong, and lets proxies see the page is still coming.
 */
export const heartbeatMs = 5_000

/**
 * JSON as a script may carry it: `<` written as `\u003c`, so no text in an event (a student's
 * `</script>`) can end the script or open a tag. JSON.parse and JavaScript read it back the same.
 */
function scriptSafe(json: string): string {
  return json.replaceAll('<', '\\u003c')
}

/**
 * The "forever frame" of Comet, how web chats pushed news before WebSocket, written by hand: a
 * hidden iframe loads an HTML page the server never finishes, and writes one `<script>` per
 * event into it, which hands the event to the parent page (`postMessage`). Each response has a
 * nonce of its own, and its Content-Security-Policy runs only scripts that carry it: the page's
 * strict CSP stays strict. When the frame's page ends, the parent loads it again from its last id.
 */
const iframeStream: FastifyPluginAsync<PushOptions> = async (app, options) => {
  // The page of one response: its head and its scripts carry that response's own nonce.
  const foreverFrame = (nonce: string): StreamFormat => {
    // One script per event: it runs as soon as the browser has parsed it, while the page goes on loading.
    const script = (json: string) =>
      `<script nonce="${nonce}">parent.postMessage(${scriptSafe(json)}, location.origin)</script>\n`
    return {
      head: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-cache, no-transform', // no-transform: proxies must not compress or rewrite
        'x-accel-buffering': 'no', // nginx: pass each script on at once
        // Only this response's own scripts run, and only this site may frame it.
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; frame-ancestors 'self'`
      },
      prefix: '<!doctype html><meta charset="utf-8"><title>wirewatch: a forever frame</title>\n',
      event: (event) => Buffer.from(script(eventJson(event))),
      reset: (latest) => script(JSON.stringify({ reset: true, latest })),
      keepAlive: { everyMs: heartbeatMs, text: script('{"alive":true}') },
      servedBy: (instance) => script(JSON.stringify({ instance }))
    }
  }
  const respond = streamedResponses(app, 'iframe-stream', options)

  app.get<{ Querystring: CursorQuery }>(
    '/feed/iframe-stream',
    {
      schema: { querystring: cursorQuerySchema },
      config: { wireRow: 'iframe-stream' },
      // A HEAD would get the head and then hang: Node drops a HEAD's body, and this response never ends.
      exposeHeadRoute: false
    },
    (request, reply) => {
      const nonce = randomBytes(16).toString('base64')
      respond(request, reply, request.query.after, foreverFrame(nonce))
    }
  )
}

export default iframeStream
