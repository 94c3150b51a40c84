/** The server forgets a watch a minute after it was last told; told again well before. */
const renewEveryMs = 20_000

function tell(clientId: string): void {
  // Best effort: without it, requests are still captured, as Node parsed them, and say so.
  void fetch(`/wire/watch?client=${clientId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client: clientId })
  }).catch(() => {})
}

/**
 * Tells the server this page's wire view is open, now and every 20 s until the returned
 * function is called: while it is (and for a minute after), the server reads this page's
 * requests from its socket's bytes instead of rebuilding them from Node's parser.
 */
export function keepWireWatched(clientId: string): () => void {
  tell(clientId)
  const timer = setInterval(() => tell(clientId), renewEveryMs)
  return () => clearInterval(timer)
}
