import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { parseArgs } from 'node:util'
import { buildApp } from './app.ts'
import { makePresenterToken } from './classroom/presenter-token.ts'
import { firstLanAddress, studentUrlFor } from './classroom/student-url.ts'
import { readConfig } from './config.ts'
import { makeSelfSigned, readCredentials, type TlsCredentials } from './tls.ts'

/** The machine's LAN IPv4 addresses: what a classroom types when listening on all interfaces. */
function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => address?.address ?? '')
}

/** The URLs a person can open: localhost, plus every LAN address when listening on all interfaces. */
function urlsFor(scheme: 'http' | 'https', host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}/`]
  return [`${scheme}://localhost:${port}/`, ...lanAddresses().map((address) => `${scheme}://${address}:${port}/`)]
}

/**
 * `--tls` (a self-signed certificate made now) or `--cert <file> --key <file>`: serve HTTPS and WSS.
 * `--http2`: HTTP/2 as well (browsers speak it only over TLS, so it implies `--tls`).
 */
async function tlsFrom(argv: string[], host: string): Promise<{ tls?: TlsCredentials; http2: boolean }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tls: { type: 'boolean' },
      http2: { type: 'boolean' },
      cert: { type: 'string' },
      key: { type: 'string' }
    },
    strict: true
  })
  const http2 = values.http2 === true
  if ((values.cert === undefined) !== (values.key === undefined)) throw new Error('--cert and --key go together')
  if (values.cert !== undefined && values.key !== undefined)
    return { tls: await readCredentials(values.cert, values.key), http2 }
  if (!values.tls && !http2) return { http2 }
  const allInterfaces = host === '0.0.0.0' || host === '::'
  const names = ['localhost', ...(allInterfaces || host === 'localhost' ? [] : [host])]
  return { tls: await makeSelfSigned(names, ['127.0.0.1', '::1', ...(allInterfaces ? lanAddresses() : [])]), http2 }
}

let config: ReturnType<typeof readConfig>
let tls: TlsCredentials | undefined
let http2 = false
try {
  config = readConfig()
  ;({ tls, http2 } = await tlsFrom(process.argv.slice(2), config.host))
} catch (error) {
  console.error(`wirewatch: ${(error as Error).message}`)
  process.exit(2)
}

const presenterToken = config.presenterToken ?? makePresenterToken()
const scheme = tls ? 'https' : 'http'
const app = await buildApp({
  ...config,
  presenterToken,
  // What students type: the LAN address when listening on every interface (PORT=0: the address each request used).
  studentUrl: config.port === 0 ? undefined : urlsFor(scheme, config.host, config.port).at(-1),
  ...(tls ? { https: { key: tls.key, cert: tls.cert }, http2 } : {}),
  logger: { level: process.env.LOG_LEVEL ?? 'warn' }
})

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close()
    process.exit(0)
  })
}

await app.listen({ port: config.port, host: config.host })
const { port } = app.server.address() as AddressInfo // the port really bound (PORT=0 picks a free one)
const urls = urlsFor(scheme, config.host, port)
console.log(`wirewatch is running. Open:\n${urls.map((url) => `  ${url}`).join('\n')}`)
if (http2) console.log('It serves HTTP/2, and HTTP/1.1 on the same port (clients that offer only it, and WebSockets).')
// Behind a proxy, the address students open is the proxy's (PUBLIC_URL), not the one this process listens on.
const students = studentUrlFor({
  configured: config.publicUrl,
  requestUrl: urls.at(-1) ?? urls[0] ?? '',
  bound: app.server.address(),
  scheme,
  lanAddress: firstLanAddress()
})
console.log(students.warning ? `Students: ${students.warning}` : `Students open: ${students.url}`)
console.log(`Presenter (keep this one to yourself, it carries the token): ${urls[0]}presenter#token=${presenterToken}`)
if (tls?.selfSigned)
  console.log(
    `The certificate is self-signed (made just now), so the browser warns once: check its SHA-256 fingerprint\n  ${tls.fingerprint}`
  )
