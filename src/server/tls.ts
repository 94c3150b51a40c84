import { X509Certificate } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { generate } from 'selfsigned'

/** What an HTTPS server needs, and what a teacher can check in the browser's certificate view. */
export interface TlsCredentials {
  key: string
  cert: string
  /** SHA-256 fingerprint of the certificate, as browsers show it. */
  fingerprint: string
  selfSigned: boolean
}

function fingerprintOf(cert: string): string {
  return new X509Certificate(cert).fingerprint256
}

/** A certificate and key from PEM files (`--cert`, `--key`). */
export async function readCredentials(certPath: string, keyPath: string): Promise<TlsCredentials> {
  const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
  return { cert, key, fingerprint: fingerprintOf(cert), selfSigned: false }
}

/**
 * A fresh self-signed certificate, kept in memory for this run only, valid for
 * the names and addresses students will type. Browsers warn once: nobody vouches for it.
 */
export async function makeSelfSigned(names: string[], addresses: string[]): Promise<TlsCredentials> {
  const notAfterDate = new Date()
  notAfterDate.setDate(notAfterDate.getDate() + 30)
  const pems = await generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          ...addresses.map((ip) => ({ type: 7 as const, ip }))
        ]
      }
    ]
  })
  return { key: pems.private, cert: pems.cert, fingerprint: fingerprintOf(pems.cert), selfSigned: true }
}
