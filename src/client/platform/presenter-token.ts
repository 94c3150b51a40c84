const storageKey = 'wirewatch-presenter-token'

/**
 * The presenter token, if this browser has it. It arrives once in the presenter URL's
 * fragment (`#token=…`, which browsers never send to a server), is kept in this browser's
 * storage for the teacher's other tabs, and is removed from the address bar at once so it
 * is not projected or shared with the link.
 */
export function presenterToken(): string | undefined {
  const match = /(?:^|&)token=([^&]+)/.exec(location.hash.slice(1))
  if (match?.[1]) {
    localStorage.setItem(storageKey, decodeURIComponent(match[1]))
    history.replaceState(null, '', location.pathname + location.search)
  }
  return localStorage.getItem(storageKey) ?? undefined
}

/** Sends one of the teacher's controls: JSON, with the token. */
export function presenterRequest(
  url: string,
  method: 'PUT' | 'POST' | 'GET' | 'DELETE',
  body?: unknown
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${presenterToken() ?? ''}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  return fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
}

/** Why a control is disabled on a page without the token. */
export const presenterOnly =
  'Only the presenter can change this for the room (open the presenter URL the server printed).'
