import { arrow, labelAlong, line, span, svgFigure, text, timeLine } from './svg.ts'

/** RFC 9293 section 3.5's three-way handshake on a time axis: one round trip before the request can leave. */
export function tcpHandshake(): string {
  const client = 240
  const server = 560
  const step = 62 // half a round trip, in viewBox units: room for each arrow's label between its neighbours
  const t = [70, 70 + step, 70 + 2 * step, 70 + 3 * step, 70 + 4 * step]
  const [t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0] = t
  const body = [
    timeLine(client, 50, 380, 'Browser (client)'),
    timeLine(server, 50, 380, 'Server'),
    arrow(24, 60, 24, 380, 'fig-axis'),
    text(34, 380, 'time', { className: 'fig-muted' }),
    arrow(client, t0, server, t1),
    labelAlong(client, t0, server, t1, 'SYN   seq = x', { mono: true }),
    arrow(server, t1, client, t2),
    labelAlong(server, t1, client, t2, 'SYN-ACK   seq = y, ack = x+1', { mono: true }),
    arrow(client, t2, server, t3, 'fig-arrow fig-strong'),
    labelAlong(client, t2, server, t3, 'ACK   ack = y+1, then GET /…', { mono: true, bold: true, below: true }),
    arrow(server, t3, client, t4),
    labelAlong(server, t3, client, t4, 'HTTP/1.1 200 OK …', { mono: true }),
    span(client - 16, t0, t2, ['1 RTT', 'handshake: the request', 'cannot leave yet'], 'fig-span fig-wait'),
    span(client - 16, t2, t4, ['1 RTT', 'request, then', 'its response']),
    line(client, t2, server, t2, 'fig-guide'),
    text(server + 12, t2 + 5, 'connected', { className: 'fig-muted' }),
    text(
      24,
      416,
      'Each arrow takes half a round trip. A new connection makes the first answer wait 2 RTT instead of 1.',
      { className: 'fig-muted', size: 13 }
    )
  ].join('\n')
  return svgFigure({
    name: 'tcp-handshake',
    title: 'The TCP three-way handshake on a time axis',
    desc:
      'Time flows down. The browser sends SYN (sequence number x); half a round trip later the server answers SYN-ACK ' +
      '(its sequence number y, acknowledging x+1); when that arrives, one full round trip after the start, the browser ' +
      'sends ACK (acknowledging y+1) and its request can go with it or right after. The response comes back one more ' +
      'round trip later: 2 RTT for the first answer on a new connection.',
    width: 680,
    height: 430,
    body
  })
}
