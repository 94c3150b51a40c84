/**
 * Where a lesson names this server's own address it writes a placeholder, filled for each request from the
 * address the reader used (the `Host` header and http/https), so lesson 7's `ws://…` is the one that works here.
 */
export const lessonAddress = {
  /** `127.0.0.1:3000`, `192.168.1.20:3000`, … */
  host: '{{host}}',
  /** `http://` or `https://` and the host. */
  httpOrigin: '{{http-origin}}',
  /** `ws://` or `wss://` and the host. */
  wsOrigin: '{{ws-origin}}'
} as const

/** Only plain host names, IPv4/IPv6 literals and a port: nothing that could break out of HTML, JSON or a URL. */
const safeHost = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/** What a request says of the address it came to (Fastify's request has all of it). */
export interface RequestAddress {
  /** The `Host` header: `host[:port]`, the client's to choose. */
  host: string
  protocol: string
  socket: { localAddress?: string | undefined; localPort?: number | undefined }
}

/** The address the socket was reached on, for a Host header that is not a plain host. */
function socketHost({ localAddress = '127.0.0.1', localPort }: RequestAddress['socket']): string {
  const address = localAddress.includes(':') ? `[${localAddress}]` : localAddress
  return localPort ? `${address}:${localPort}` : address
}

/** `html` (or JSON) with the address placeholders filled in with the address `request` came to. */
export function withServerAddress(html: string, request: RequestAddress): string {
  const host = safeHost.test(request.host) ? request.host : socketHost(request.socket)
  const secure = request.protocol === 'https'
  return html
    .replaceAll(lessonAddress.host, host)
    .replaceAll(lessonAddress.httpOrigin, `${secure ? 'https' : 'http'}://${host}`)
    .replaceAll(lessonAddress.wsOrigin, `${secure ? 'wss' : 'ws'}://${host}`)
}
