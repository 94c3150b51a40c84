import { accented, arrow, line, svgFigure, text } from './svg.ts'

const client = 60
const server = 160

/** A numbered marker on the figure, explained in the legend below it. */
function marker(x: number, y: number, n: number): string {
  return (
    `<g class="fig-marker"><circle cx="${x}" cy="${y}" r="10" class="fig-marker-disc" fill="none" stroke="currentColor"/>` +
    `${text(x, y + 4, String(n), { anchor: 'middle', size: 12, bold: true })}</g>`
  )
}

function published(x: number, label: string): string {
  return (
    `<g class="fig-event"><circle cx="${x}" cy="${server}" r="6" fill="currentColor"/></g>` +
    text(x, server + 22, label, { anchor: 'middle', size: 12, className: 'fig-event-text' })
  )
}

/** A long poll: the request held until an event (or the timeout), the answer, and the gap before the next request. */
export function longPoll(): string {
  const held = (from: number, to: number) =>
    accented(
      'long-polling',
      `<rect x="${from}" y="${server - 7}" width="${to - from}" height="14" class="fig-held" fill="none" stroke="currentColor"/>`
    )
  const body = [
    text(12, client + 5, 'Browser', { bold: true, size: 13 }),
    text(12, server + 5, 'Server', { bold: true, size: 13 }),
    line(80, client, 668, client, 'fig-timeline'),
    line(80, server, 668, server, 'fig-timeline'),
    // 1: asked, nothing new: held.
    arrow(90, client, 130, server, 'fig-arrow fig-strong'),
    held(130, 250),
    text(190, server - 14, 'held: no answer yet', { anchor: 'middle', size: 12 }),
    marker(100, client + 30, 1),
    // 2: event 42, answered at once.
    published(250, '42'),
    arrow(250, server, 290, client),
    marker(282, client + 48, 2),
    // 3: asks again at once; 4: event 43 in the gap waits for it.
    arrow(292, client, 332, server, 'fig-arrow fig-strong'),
    published(300, '43'),
    `<path d="M300 ${server + 30} V${server + 36} H332 V${server + 30}" class="fig-wait" fill="none" stroke="currentColor"/>`,
    marker(316, server + 52, 4),
    marker(304, client + 20, 3),
    // 5: answered at once with 43.
    arrow(332, server, 372, client),
    marker(366, client + 48, 5),
    // 6: asks again; nothing for 25 s; the timeout answers 204.
    arrow(374, client, 414, server, 'fig-arrow fig-strong'),
    held(414, 480),
    `<path d="M484 ${server - 12} l8 24 M494 ${server - 12} l8 24" class="fig-break" fill="none" stroke="currentColor"/>`,
    text(493, server - 18, '… 25 s …', { anchor: 'middle', size: 12, className: 'fig-muted' }),
    held(506, 580),
    arrow(580, server, 620, client),
    text(612, client - 10, '204', { anchor: 'middle', mono: true, size: 12 }),
    arrow(622, client, 662, server, 'fig-arrow fig-strong'),
    marker(540, client + 40, 6),
    text(668, server + 22, 'time →', { anchor: 'end', size: 12, className: 'fig-muted' })
  ]
  const legend = [
    '1  GET ?after=41: nothing new yet, so the server holds the request.',
    '2  Event 42 is published: the held request is answered at once (200, event 42).',
    '3  The browser asks again at once, ?after=42.',
    '4  Event 43 comes in the gap, no request waiting: it waits for the next, 0 to 1 round trip.',
    '5  The request finds 43 already there and is answered at once: the cursor loses nothing.',
    '6  Asked again, nothing happens for 25 s: the timeout answers 204 No Content; it asks again.'
  ].map((entry, i) => text(12, 232 + i * 20, entry, { size: 13 }))
  return svgFigure({
    name: 'long-poll',
    title: "A long poll's hold, its answer and the gap before the next request",
    desc:
      'Time flows right; the browser on top, the server below. A request with after=41 finds nothing new and is held. ' +
      'Event 42 is published and the held request is answered at once. The browser asks again at once; event 43 ' +
      'is published in the gap when no request is waiting, and waits until the next request arrives, from almost ' +
      'one round trip (published just after the answer left) to nothing (published as the request arrives); that ' +
      'request is answered at once. The next request is held for 25 seconds with nothing new, the timeout ' +
      'answers 204 No Content, and the browser asks again.',
    width: 680,
    height: 360,
    body: [...body, ...legend].join('\n')
  })
}
