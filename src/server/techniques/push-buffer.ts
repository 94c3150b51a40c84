/** Options of the push techniques (SSE, WebSocket) for clients that stop reading. */
export interface PushOptions {
  /**
   * Unsent bytes a client may pile up in the server before it is dropped (default 1 MiB).
   * A client that stops reading (a frozen tab, a phone out of range) would otherwise keep
   * every event in the server's memory; dropped, it reconnects with its cursor and misses nothing.
   */
  sendBufferMaxBytes?: number
}

export const defaultSendBufferMaxBytes = 1024 * 1024
