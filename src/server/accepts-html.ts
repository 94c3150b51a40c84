/**
 * The quality an `Accept` header gives one media type: the most specific range that matches it
 * (`text/html` over `text/*` over `*\/*`), as RFC 9110 §12.5.1 says; 0 when none does.
 */
function qualityOf(ranges: { type: string; q: number }[], mediaType: string): { q: number; named: boolean } {
  const [major] = mediaType.split('/')
  const exact = ranges.find((range) => range.type === mediaType)
  if (exact) return { q: exact.q, named: true }
  const family = ranges.find((range) => range.type === `${major}/*`) ?? ranges.find((range) => range.type === '*/*')
  return { q: family?.q ?? 0, named: false }
}

function parseAccept(accept: string): { type: string; q: number }[] {
  return accept.split(',').map((part) => {
    const [type = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase())
    const q = parameters.find((parameter) => parameter.startsWith('q='))
    const quality = q === undefined ? 1 : Number(q.slice(2))
    return { type, q: Number.isFinite(quality) ? quality : 0 }
  })
}

/**
 * Whether a request would rather have an HTML page than JSON: a browser's navigation names
 * `text/html` first (`text/html,…,*\/*;q=0.8`). `fetch()` and curl send `*\/*`, and an API client
 * sends `application/json` or nothing: they keep getting JSON. On a tie, HTML only if it is named
 * and JSON is not (`text/html, *\/*`).
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false
  const ranges = parseAccept(accept)
  const html = qualityOf(ranges, 'text/html')
  const json = qualityOf(ranges, 'application/json')
  if (html.q <= 0) return false
  return html.q > json.q || (html.q === json.q && html.named && !json.named)
}
