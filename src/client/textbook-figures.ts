import type { CostSettings } from './cost-model.ts'
import { requestsPerSecond } from './cost-model.ts'

/**
 * Figures from books and articles, NOT measured here: shown beside the measured
 * estimate for contrast. Sources: Ilya Grigorik, "High Performance Browser
 * Networking" (O'Reilly, 2013); the websocket.org article "HTML5 Web Sockets: A
 * Quantum Leap in Scalability for the Web" (polling example); RFC 6455 §5.2.
 */
export const textbook = {
  /** HPBN: HTTP/1.x request + response headers, typically 500–800 bytes an exchange, kilobytes more with cookies. */
  httpHeadersPerExchange: { min: 500, max: 800 },
  /** websocket.org's polling example: 871 bytes of request and response headers per poll. */
  pollHeaders: 871,
  /** RFC 6455 / HPBN: a WebSocket frame header is 2 to 14 bytes (payload not included). */
  websocketFraming: { min: 2, max: 14 },
  /** HTML standard's event-stream format: at least `data: ` and a blank line, 8 bytes, more with `id:`. */
  sseFramingMin: 8
} as const

/** The textbook's overhead for the same settings: a range of bytes per second, headers or framing only. */
export interface TextbookOverhead {
  min: number
  max: number
  /** How it was computed, in words. */
  formula: string
}

export function textbookOverhead(settings: CostSettings): TextbookOverhead {
  const requests = requestsPerSecond(settings)
  const messages = settings.students * settings.feedRate
  switch (settings.technique) {
    case 'websocket':
      return {
        min: messages * textbook.websocketFraming.min,
        max: messages * textbook.websocketFraming.max,
        formula: 'students × feed rate × 2 to 14 bytes of frame header'
      }
    case 'sse':
      return {
        min: messages * textbook.sseFramingMin,
        max: messages * textbook.sseFramingMin,
        formula: 'students × feed rate × at least 8 bytes of data: framing'
      }
    case 'polling':
      return {
        min: requests * textbook.pollHeaders,
        max: requests * textbook.pollHeaders,
        formula: 'requests/s × 871 bytes of headers per poll'
      }
    default:
      return {
        min: requests * textbook.httpHeadersPerExchange.min,
        max: requests * textbook.httpHeadersPerExchange.max,
        formula: 'requests/s × 500 to 800 bytes of headers per exchange'
      }
  }
}
