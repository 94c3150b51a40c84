/** How the browser says it reached this page (`nextHopProtocol`): 'http/1.1', 'h2', 'h3' (empty when it does not say). */
export function pageProtocol(): string {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined
  return navigation?.nextHopProtocol ?? ''
}

/** How the browser says it reached the page (`nextHopProtocol`), in words. */
export function protocolName(nextHopProtocol: string): string {
  if (nextHopProtocol === 'http/1.1') return 'HTTP/1.1'
  if (nextHopProtocol === 'http/1.0') return 'HTTP/1.0'
  if (nextHopProtocol === 'h2' || nextHopProtocol === 'h2c') return 'HTTP/2'
  if (nextHopProtocol.startsWith('h3')) return 'HTTP/3'
  return nextHopProtocol === '' ? 'not reported by this browser' : nextHopProtocol
}

/** HTTP/1.x: one request at a time per connection, and at most 6 connections per server in a browser. */
export function isHttp1(nextHopProtocol: string): boolean {
  return nextHopProtocol.startsWith('http/1')
}
