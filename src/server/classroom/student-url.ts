import type { AddressInfo } from 'node:net'
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os'
import QRCode from 'qrcode'
import type { StudentUrl } from '../../shared/classroom.ts'

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1'])

/** Whether a host (an address or a name, IPv6 with or without brackets) is this machine only. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '')
  return loopbackHosts.has(bare) || /^127\./.test(bare)
}

/** The machine's first LAN IPv4 address (not internal), or undefined on a machine with none. */
export function firstLanAddress(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()
): string | undefined {
  return Object.values(interfaces)
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address
}

export interface StudentUrlInput {
  /** PUBLIC_URL, or the LAN address main.ts chose; undefined to use the address the request came to. */
  configured: string | undefined
  /** The request's scheme and Host, for the default. */
  requestUrl: string
  /** Where the server is bound (`app.server.address()`). */
  bound: AddressInfo | string | null
  scheme: string
  lanAddress: string | undefined
}

/**
 * The address to show and QR-code. A loopback address (`127.0.0.1`, `localhost`) is one no phone
 * can open, so it is never shown to students: the LAN address is, with the port the server is
 * bound to. When the server also listens on loopback only, even that address will not answer
 * until it is restarted on every interface, and the warning says so.
 */
export function studentUrlFor({ configured, requestUrl, bound, scheme, lanAddress }: StudentUrlInput): StudentUrl {
  const listensOn = typeof bound === 'object' && bound ? bound.address : 'unknown'
  const port = typeof bound === 'object' && bound ? bound.port : undefined
  const chosen = configured ?? requestUrl
  // Behind a proxy (PUBLIC_URL) the server may well listen on loopback: phones go to the proxy.
  const proxied = configured !== undefined && !isLoopback(new URL(configured).hostname)
  const reachable = proxied || !isLoopback(listensOn)
  const lanUrl = lanAddress && port !== undefined ? `${scheme}://${lanAddress}:${port}/` : undefined
  const url = isLoopback(new URL(chosen).hostname) && lanUrl ? lanUrl : chosen
  if (reachable) return { url, listensOn, reachable }
  const then = lanUrl ? `; then they open ${lanUrl}` : ''
  return {
    url,
    listensOn,
    reachable,
    warning: `This server listens on ${listensOn} only: phones cannot reach it. Restart with HOST=0.0.0.0 npm start${then}`
  }
}

/** The QR code of `url`, as an SVG (dark modules on white, with a quiet zone): the console and the projector show it. */
export function qrCodeSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' })
}
