import type { Panel } from '../panels/panel-view.ts'

/** The three figures beside each lane; `data-figure` names and units are a contract (see the README). */
export const raceFigures = [
  {
    key: 'latency-p50',
    title: 'median latency',
    hint: 'arrival in this page − the server’s timestamp, clock-corrected; last 500 events, as in the panel',
    value: (panel: Panel) => panel.latency(50),
    dataValue: (value: number) => String(Math.round(value)),
    shown: (value: number) => (value < 10_000 ? [String(Math.round(value)), 'ms'] : [(value / 1000).toFixed(1), 's'])
  },
  {
    key: 'bytes-per-event',
    title: 'bytes per new event',
    hint:
      'bytes in + out on this page’s sockets (heads and framing included) ÷ new events, published after the technique started; ' +
      'the catch-up (the feed as it was when it started) is not counted, its bytes are, so Manual refresh reads – until a Reload brings a new event',
    value: (panel: Panel) => panel.bytesPerEvent,
    dataValue: (value: number) => value.toFixed(1),
    shown: (value: number) => (value < 10_000 ? [String(Math.round(value)), 'B'] : [(value / 1000).toFixed(1), 'kB'])
  },
  {
    key: 'requests-per-s',
    title: 'requests/s',
    hint: 'HTTP requests the server counted from this page, last 10 s',
    value: (panel: Panel) => panel.requestsPerSecond,
    dataValue: (value: number) => value.toFixed(2),
    shown: (value: number) => [value.toFixed(1), '/s']
  }
] as const
