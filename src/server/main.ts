import type { AddressInfo } from 'node:net'
import { networkInterfaces } from 'node:os'
import { buildApp } from './app.ts'
import { readConfig } from './config.ts'

/** The URLs a person can open: localhost, plus every LAN address when listening on all interfaces. */
function urlsFor(host: string, port: number): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [`http://${host.includes(':') ? `[${host}]` : host}:${port}/`]
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal)
    .map((address) => `http://${address?.address}:${port}/`)
  return [`http://localhost:${port}/`, ...lan]
}

const config = readConfig()
const app = await buildApp({ ...config, logger: { level: process.env.LOG_LEVEL ?? 'warn' } })

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await app.close()
    process.exit(0)
  })
}

await app.listen({ port: config.port, host: config.host })
const { port } = app.server.address() as AddressInfo // the port really bound (PORT=0 picks a free one)
console.log(
  `wirewatch is running. Open:\n${urlsFor(config.host, port)
    .map((url) => `  ${url}`)
    .join('\n')}`
)
