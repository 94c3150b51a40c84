import './ask.css'

/** What a request the page sent came to: the response, or why there is none in words for the place it was asked. */
export type Asked = { ok: true; response: Response } | { ok: false; status?: number; why: string }

/**
 * Sends a request and turns every way it can fail into a sentence: a network that fails (the
 * server stopped, the teacher cut the room's network, the laptop left the Wi-Fi) and a refusal
 * with the server's JSON reason. A failed `fetch` never becomes an unhandled rejection that the
 * page would not mention: the caller shows `why` where the person acted.
 */
export async function ask(send: () => Promise<Response>): Promise<Asked> {
  let response: Response
  try {
    response = await send()
  } catch (error) {
    return {
      ok: false,
      why: `the server could not be reached (${error instanceof Error ? error.message : String(error)})`
    }
  }
  if (response.ok) return { ok: true, response }
  const reason = ((await response.json().catch(() => ({}))) as { message?: unknown }).message
  return {
    ok: false,
    status: response.status,
    why: `refused (${response.status}): ${typeof reason === 'string' ? reason : 'no reason given'}`
  }
}

/** A sentence's first letter in capitals, for a message that starts with `why`. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
