/**
 * Whether a request came to a "potentially trustworthy" origin (W3C Secure Contexts): https, or a
 * loopback host. Only pages from such an origin are secure contexts, and browsers ignore the headers
 * that need one (Chromium says so in the console, for Cross-Origin-Opener-Policy). A classroom opens
 * `http://<LAN address>`: not trustworthy; the teacher's own `http://localhost:3000` is.
 */
export function isPotentiallyTrustworthy(request: { protocol: string; host: string }): boolean {
  if (request.protocol === 'https') return true
  return isLoopbackHost(request.host)
}

/** `localhost` (and `*.localhost`), 127.0.0.0/8 and `[::1]`, with or without a port: what Chromium treats as loopback. */
export function isLoopbackHost(host: string): boolean {
  let hostname: string
  try {
    // The URL parser normalises what a Host header may hold: case, a port, IPv6 brackets, `127.1`.
    hostname = new URL(`http://${host}`).hostname
  } catch {
    return false
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true
  if (hostname === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}
