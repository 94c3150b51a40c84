import { arrow, line, svgFigure, text } from './svg.ts'

const half = 30 // half a round trip, in viewBox units
const labelX = 12

/** A connection's life, shaded between the two rows, from `from` to `to`. */
function connection(from: number, to: number, top: number, label: string): string {
  return (
    `<rect x="${from}" y="${top + 4}" width="${to - from}" height="52" class="fig-connection" fill="none" stroke="currentColor" stroke-dasharray="4 3"/>` +
    (label ? text(to, top - 10, label, { anchor: 'end', className: 'fig-muted', size: 12 }) : '')
  )
}

/** SYN, SYN-ACK from `x`; returns where the ACK (with the request) leaves. */
function handshake(x: number, client: number, server: number): string {
  return (
    arrow(x, client, x + half, server, 'fig-arrow fig-thin') +
    arrow(x + half, server, x + 2 * half, client, 'fig-arrow fig-thin') +
    text(x + half, client - 10, 'handshake', { anchor: 'middle', className: 'fig-wait', size: 12 })
  )
}

/** A request (sent at `x`, with the ACK if it is the first) and its response. */
function exchange(x: number, client: number, server: number, path: string): string {
  return (
    arrow(x, client, x + half, server, 'fig-arrow fig-strong') +
    arrow(x + half, server, x + 2 * half, client) +
    text(x + half, server + 20, `GET ${path}`, { anchor: 'middle', mono: true, size: 12 })
  )
}

function rows(client: number, server: number, end: number): string {
  return (
    text(labelX, client + 5, 'Browser', { bold: true, size: 13 }) +
    text(labelX, server + 5, 'Server', { bold: true, size: 13 }) +
    line(80, client, end, client, 'fig-timeline') +
    line(80, server, end, server, 'fig-timeline')
  )
}

/** HTTP/1.0's connection per request against HTTP/1.1's persistent connection, on one time axis each. */
export function http10VsHttp11(): string {
  const parts: string[] = []
  // HTTP/1.0: every request opens a connection (handshake), gets its response, and the connection closes.
  let client = 70
  let server = 130
  parts.push(text(labelX, 30, 'HTTP/1.0: one connection per request', { bold: true }))
  parts.push(rows(client, server, 560))
  ;['/a', '/b', '/c'].forEach((path, i) => {
    const x = 100 + i * 150
    parts.push(connection(x - 4, x + 4 * half + 8, client, 'closed'))
    parts.push(handshake(x, client, server), exchange(x + 2 * half, client, server, path))
  })
  parts.push(
    text(575, client + 12, '3 requests:', { size: 12 }),
    text(575, client + 28, '3 connections,', { size: 12 }),
    text(575, client + 44, '3 handshakes', { size: 12, className: 'fig-wait' }),
    text(575, client + 66, 'dashed box: one', { size: 11, className: 'fig-muted' }),
    text(575, client + 80, 'TCP connection', { size: 11, className: 'fig-muted' })
  )
  // HTTP/1.1: one handshake, then requests one after another on the same connection.
  client = 230
  server = 290
  parts.push(text(labelX, 190, 'HTTP/1.1: one persistent connection, requests one after another', { bold: true }))
  parts.push(rows(client, server, 660))
  parts.push(connection(96, 656, client, ''))
  parts.push(text(650, client + 34, 'still open …', { anchor: 'end', className: 'fig-muted', size: 11 }))
  parts.push(handshake(100, client, server), exchange(160, client, server, '/a'))
  parts.push(exchange(300, client, server, '/b'), exchange(420, client, server, '/c'))
  // An event between two requests: the connection is open, but no request is waiting for it.
  const eventX = 250
  parts.push(
    `<g class="fig-event"><circle cx="${eventX}" cy="${server}" r="7" fill="currentColor"/>` +
      line(eventX, server, 330, server, 'fig-event-wait') +
      '</g>',
    text(eventX - 8, server + 40, 'an event is published here: the server may not send it,', {
      anchor: 'middle',
      size: 12,
      className: 'fig-event-text'
    }),
    text(eventX - 8, server + 56, 'no request is waiting. It goes out as the answer to GET /b.', {
      anchor: 'middle',
      size: 12,
      className: 'fig-event-text'
    }),
    text(575, server + 40, '3 requests:', { size: 12 }),
    text(575, server + 56, '1 connection,', { size: 12 }),
    text(575, server + 72, '1 handshake', { size: 12, className: 'fig-wait' }),
    text(
      labelX,
      392,
      'Time flows right; each arrow takes half a round trip. A persistent connection saves handshakes,',
      {
        size: 12,
        className: 'fig-muted'
      }
    ),
    text(labelX, 408, 'but the server still only answers: HTTP/1.1 lets it speak only in response to a request.', {
      size: 12,
      className: 'fig-muted'
    })
  )
  return svgFigure({
    name: 'http10-vs-http11',
    title: 'HTTP/1.0, a connection per request, against an HTTP/1.1 persistent connection',
    desc:
      'Two time lines, time flowing right. HTTP/1.0: for each of three requests the browser opens a TCP connection ' +
      '(SYN, SYN-ACK, then ACK with the request), gets the response, and the connection is closed: 3 connections, ' +
      '3 handshakes. HTTP/1.1: one handshake, then the three requests one after another on the same persistent ' +
      'connection: 1 connection, 1 handshake. An event published between two requests cannot be sent: no request ' +
      'is waiting, so it goes out only as the answer to the next request.',
    width: 680,
    height: 420,
    body: parts.join('\n')
  })
}
