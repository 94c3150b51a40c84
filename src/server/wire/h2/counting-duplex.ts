import { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'

/** What crosses a tapped connection's plaintext, each way, as it passes. */
export interface PlaintextTap {
  /** Bytes the peer sent, decrypted, before the HTTP/2 session reads them. */
  read(chunk: Buffer): void
  /** Bytes the HTTP/2 session wrote, before they are encrypted. */
  written(chunk: Buffer): void
}

/** What Node's HTTP/2 and HTTP/1.1 code, Fastify's `request.ip` and the logs read off a socket. */
const passedThrough = [
  'remoteAddress',
  'remotePort',
  'remoteFamily',
  'localAddress',
  'localPort',
  'alpnProtocol',
  'encrypted'
] as const

/**
 * A Duplex that passes a TLS socket's plaintext through unchanged and shows each chunk to `tap`
 * on its way: Node's HTTP/2 session accepts any Duplex as its socket, and has no per-frame hook of
 * its own. Back-pressure, end, close and errors are passed on both ways.
 */
export function countingDuplex(tls: TLSSocket, tap: PlaintextTap): Duplex {
  const duplex = new Duplex({
    read() {
      tls.resume()
    },
    write(chunk: Buffer, _encoding, callback) {
      tap.written(chunk)
      tls.write(chunk, callback)
    },
    // The session writes a frame's header and its payload together (corked): pass them on as one write,
    // so TLS seals them in one record as it does untapped, not two (22 bytes more per frame, measured).
    writev(chunks, callback) {
      const joined = Buffer.concat(chunks.map(({ chunk }) => chunk as Buffer))
      tap.written(joined)
      tls.write(joined, callback)
    },
    final(callback) {
      tls.end(callback)
    },
    destroy(error, callback) {
      tls.destroy(error ?? undefined)
      callback(error)
    }
  })
  // Mandatory: the session calls setNoDelay() on the wrapper Node puts around this Duplex, which has
  // no TCP handle; left with Nagle's algorithm, small frames wait for the peer's delayed ACK (12× slower).
  tls.setNoDelay(true)
  tls.on('data', (chunk: Buffer) => {
    tap.read(chunk)
    if (!duplex.push(chunk)) tls.pause()
  })
  tls.on('end', () => duplex.push(null))
  tls.on('close', () => duplex.destroy())
  tls.on('error', (error) => duplex.destroy(error))
  for (const name of passedThrough)
    Object.defineProperty(duplex, name, { get: () => (tls as unknown as Record<string, unknown>)[name] })
  Object.assign(duplex, {
    setNoDelay: (noDelay?: boolean) => tls.setNoDelay(noDelay),
    setKeepAlive: (enable?: boolean, delayMs?: number) => tls.setKeepAlive(enable, delayMs),
    setTimeout: (ms: number, callback?: () => void) => {
      tls.setTimeout(ms, callback)
      return duplex
    }
  })
  return duplex
}
