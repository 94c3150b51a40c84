import type { FeedEvent } from '../../../shared/feed-event.ts'
import { websocketFrame, websocketMessage } from '../../feed/encoded.ts'
import { lessonAddress } from '../lesson-address.ts'
import { accented, arrow, line, svgFigure, text } from './svg.ts'

const browser = 30
const server = 650

/** Lesson 5's event 42: the figure labels its frame with the bytes this server's encoder makes of it. */
const event42: FeedEvent = { id: 42, at: 1718000000123, kind: 'tick', data: { value: 101.5 } }

/** `81 5a …, 92 bytes`: the first two bytes of a frame in hex, and its size. */
function frameBytes(frame: Buffer): string {
  return `${frame
    .subarray(0, 2)
    .toString('hex')
    .replace(/(..)(..)/, '$1 $2')} …, ${frame.length} bytes`
}

/** A head as text in a box between the two time lines. */
function head(topY: number, lines: string[], className: string): string {
  const height = lines.length * 19 + 12
  return (
    `<rect x="70" y="${topY}" width="540" height="${height}" rx="4" class="${className}" fill="none" stroke="currentColor"/>` +
    lines.map((content, i) => text(84, topY + 22 + i * 19, content, { mono: true, size: 13, bold: i === 0 })).join('')
  )
}

/** The opening handshake of RFC 6455 section 1.3/4: the Upgrade GET, the 101 answer, then frames both ways. */
export function websocketUpgrade(): string {
  const firstFrame = websocketFrame(event42)
  const frames = [
    { y: 404, toServer: false, label: `text frame: event 42, ${frameBytes(firstFrame)} (not masked)` },
    { y: 432, toServer: true, label: 'text frame: ping (browser → server, masked)' },
    { y: 460, toServer: false, label: 'text frame: pong' },
    { y: 488, toServer: false, label: 'text frame: event 43, whenever the server has one' }
  ]
  const body = [
    text(browser, 20, 'Browser', { bold: true }),
    text(server, 20, 'Server', { anchor: 'end', bold: true }),
    line(browser, 28, browser, 506, 'fig-timeline'),
    line(server, 28, server, 506, 'fig-timeline'),
    head(
      36,
      [
        'GET /feed/websocket HTTP/1.1',
        `Host: ${lessonAddress.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version: 13',
        `Origin: ${lessonAddress.httpOrigin}`
      ],
      'fig-box'
    ),
    arrow(browser, 190, server, 206, 'fig-arrow fig-strong'),
    text(340, 222, 'an ordinary HTTP/1.1 GET that asks to switch protocols', {
      anchor: 'middle',
      size: 12,
      className: 'fig-muted'
    }),
    head(
      236,
      [
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='
      ],
      'fig-box'
    ),
    arrow(server, 334, browser, 350),
    text(340, 368, 'base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)): the last HTTP here', {
      anchor: 'middle',
      size: 12,
      className: 'fig-muted'
    }),
    ...frames.map(({ y, toServer, label }) =>
      accented(
        'websocket',
        (toServer ? arrow(browser, y, server, y + 10) : arrow(server, y, browser, y + 10)) +
          text(340, y - 2, label, { anchor: 'middle', size: 12 })
      )
    ),
    text(12, 528, 'ws:// is this over plain TCP (default port 80). wss:// is the same Upgrade and the same frames', {
      size: 12.5
    }),
    text(12, 546, 'inside TLS (default port 443): hidden from the path, but read where TLS ends (the server,', {
      size: 12.5
    }),
    text(12, 564, 'or a CDN or load balancer in front of it) and by an inspection proxy the computer trusts.', {
      size: 12.5
    })
  ]
  return svgFigure({
    name: 'websocket-upgrade',
    title: 'The WebSocket opening handshake: Upgrade, 101 Switching Protocols, then frames',
    desc:
      'The browser sends an HTTP/1.1 GET with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key and ' +
      'Sec-WebSocket-Version: 13. The server answers 101 Switching Protocols with Upgrade, Connection and ' +
      'Sec-WebSocket-Accept, the base64 of the SHA-1 of the key and a fixed GUID. From then on the connection ' +
      'carries frames in both directions: the server sends events unmasked, the browser sends masked frames. ' +
      `The first server frame, event 42, is ${frameBytes(firstFrame)}: FIN and the text opcode, then MASK 0 and ` +
      `a length of ${websocketMessage(event42).length}. ` +
      'ws:// runs over plain TCP on port 80 by default, wss:// over TLS on port 443: hidden from the ' +
      'path, but readable where TLS ends (the server, or a CDN or load balancer in front of it) and by an ' +
      'inspection proxy whose root certificate the computer trusts.',
    width: 680,
    height: 574,
    body: body.join('\n')
  })
}
