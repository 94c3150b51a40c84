/** Response times kept for their median: recent enough that switching keep-alive off shows within a few polls. */
export const responseTimesKept = 20

/** How bytes per event is counted, said the same way wherever it is shown. */
export const bytesPerEventHint =
  'Bytes in + out (every request, head and frame, the first answer’s too) ÷ new events: published after the panel was ' +
  'switched on, and not in the first answer of a technique that asks. The catch-up (the feed as it was when the panel ' +
  'started) is not counted. Switched off and on, bytes and new events both add up over every time it was on. ' +
  'Reads – until a new event has arrived.'

/** Each figure a panel shows, with a hint on how it is measured. Keys are the `data-stat` names. */
export const figures = [
  ['events', 'events received', '', 'New events this panel received, counted in the browser.'],
  [
    'catch-up',
    'of them catch-up',
    '',
    'Events the feed already had when the panel started: published before it was switched on, or in the first answer of a technique that asks (a page’s 20, a poll’s 10). Not counted in bytes per new event.'
  ],
  ['gaps', 'gaps', '', 'Events never received: ids skipped between two that arrived (the feed numbers every event).'],
  [
    'duplicates',
    'duplicates',
    '',
    'Events that arrived again with an id already shown. Manual refresh re-sends the whole page, so it repeats by design.'
  ],
  ['latency-p50', 'latency p50', 'ms', 'Browser arrival time minus the server timestamp, clock offset corrected.'],
  ['latency-p95', 'latency p95', 'ms', '95 % of the measured latencies were at most this.'],
  [
    'response-time-p50',
    `response time p50, last ${responseTimesKept} requests`,
    'ms',
    'Per request, in this browser: from handing the request to fetch() to its answer’s head (status line and headers) arriving. It includes a new connection’s handshake, the round trip, and any time the browser queued the request or the server held it (a long poll’s wait). Shown only for techniques that ask once per answer.'
  ],
  ['requests', 'requests', '', 'HTTP requests the server received from this panel.'],
  [
    'http-version',
    'HTTP version, as the server saw it',
    '',
    'The protocol this panel’s requests arrived in at the server: HTTP/2 (each request a stream on a connection the page shares) or HTTP/1.x (one request at a time on a connection). The browser chooses; a WebSocket opens with an HTTP/1.1 Upgrade either way.'
  ],
  [
    'requests-per-s',
    'requests/s, last 10 s',
    '',
    'Change in the server’s request count for this panel over the last 10 s, per second.'
  ],
  ['bytes-in', 'bytes in', 'B', 'Bytes the server read from the socket: request heads, bodies, frames.'],
  ['bytes-out', 'bytes out', 'B', 'Bytes the server wrote to the socket: status lines, headers, bodies, frames.'],
  ['bytes-per-event', 'bytes per new event', 'B', bytesPerEventHint],
  [
    'connections-in-use',
    'connections in use now',
    '',
    'TCP connections open now whose latest request came from this panel, counted at the server’s sockets.'
  ],
  [
    'connections-opened',
    'new TCP connections (handshakes)',
    '',
    'Connections the server accepted for this panel, one handshake each, charged to the first request on them. A request on a connection the page already had open (keep-alive) adds none.'
  ],
  ['empty-responses', 'empty responses', '', 'Polls and long polls that carried no event.'],
  ['unseen', 'not shown yet', '', 'Events the feed has published that this panel has not shown.']
] as const

export type FigureKey = (typeof figures)[number][0]

/** Figures that only mean something for a technique that pays one request per answer. */
export const perRequestFigures: ReadonlySet<FigureKey> = new Set(['response-time-p50'])
