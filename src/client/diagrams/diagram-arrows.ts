import type { CaptureItem } from '../../shared/capture.ts'

/** What an arrow stands for, drawn with its own style. */
export type ArrowKind = 'request' | 'response' | 'push' | 'frame-in'

/** One arrow between the lanes, drawn on its own. Times are server clock, epoch ms. */
export interface PlannedArrow {
  kind: ArrowKind
  /** The lane it leaves. */
  from: 'browser' | 'server'
  fromAt: number
  toAt: number
  /** When the server's socket read or wrote it: the time that puts it in the window. */
  at: number
  /** A request on a kept-alive connection (no handshake of its own). */
  reused: boolean
  /** What it carried, for its tooltip. */
  title: string
}

/** A new connection's SYN, SYN-ACK, ACK before its first request. */
export interface PlannedHandshake {
  startAt: number
  endAt: number
}

/** How long the server held a request (long polling) before it answered. */
export interface PlannedHold {
  fromAt: number
  toAt: number
}

/** What a window draws one item at a time: its arrows and the handshakes, holds and closes that go with them. */
export interface PlannedArrows {
  arrows: PlannedArrow[]
  handshakes: PlannedHandshake[]
  holds: PlannedHold[]
  /** When a connection closed. */
  closes: number[]
}

/** Which items a window draws one by one, and how. */
export interface ArrowLayout {
  /** The window's top and bottom, server clock, epoch ms. */
  since: number
  now: number
  /** A request held shorter than this draws no bar. */
  minHeldMs: number
  /** Whether an item at this time is drawn inside an aggregate instead. */
  isDense: (at: number) => boolean
}

function labelOf(item: CaptureItem): string {
  switch (item.kind) {
    case 'request':
      return `${item.head.split('\r\n')[0] ?? ''} (${item.newConnection ? 'new connection' : 'reused connection'} #${item.connection})`
    case 'response':
      return item.head.split('\r\n')[0] ?? ''
    case 'stream':
      return item.text
    case 'frame':
      return `${item.opcodeName} frame: ${item.payload}`
    case 'h2-frame':
      return `HTTP/2 ${item.typeName} frame, stream ${item.streamId}${item.payload ? `: ${item.payload}` : ''}`
    case 'closed':
      return 'connection closed'
  }
}

/**
 * The arrows, handshakes, holds and closes of the items inside the window and outside its
 * dense bands. Arrows end when the server's socket read or wrote the bytes and lean by the
 * simulated one-way delay stamped on each item.
 */
export function layOutArrows(items: readonly CaptureItem[], layout: ArrowLayout): PlannedArrows {
  const { since, now, minHeldMs, isDense } = layout
  const arrows: PlannedArrow[] = []
  const handshakes: PlannedHandshake[] = []
  const holds: PlannedHold[] = []
  const closes: number[] = []
  // When each connection's latest request reached the server, to draw how long it was held;
  // read from items before the window too, so a request held across its top still shows.
  const arrived = new Map<number, number>()
  for (const item of items) {
    const oneWay = item.simulatedRttMs / 2
    const drawn = item.at > since && item.at <= now && !isDense(item.at)
    const title = drawn ? labelOf(item) : ''
    switch (item.kind) {
      case 'request': {
        const sentAt = item.newConnection ? item.at + item.simulatedRttMs : item.at
        arrived.set(item.connection, sentAt + oneWay)
        if (!drawn) break
        if (item.newConnection) handshakes.push({ startAt: item.at, endAt: sentAt })
        arrows.push({
          kind: 'request',
          from: 'browser',
          fromAt: sentAt,
          toAt: sentAt + oneWay,
          at: item.at,
          reused: !item.newConnection,
          title
        })
        break
      }
      case 'response': {
        const leftAt = item.at - oneWay
        const reachedAt = arrived.get(item.connection)
        arrived.delete(item.connection)
        if (!drawn) break
        // A hold that ended above the window's top (its answer left before it, and only arrived in it) is not drawn.
        if (reachedAt !== undefined && leftAt - reachedAt > minHeldMs && leftAt > since)
          holds.push({ fromAt: Math.max(since, reachedAt), toAt: leftAt })
        arrows.push({
          kind: 'response',
          from: 'server',
          fromAt: leftAt,
          toAt: item.at,
          at: item.at,
          reused: false,
          title
        })
        break
      }
      case 'h2-frame':
      case 'stream':
      case 'frame': {
        // Over HTTP/2 a head or a payload is an arrow; the flow-control and connection frames are not drawn.
        if (!drawn || (item.kind === 'h2-frame' && item.typeName !== 'HEADERS' && item.typeName !== 'DATA')) break
        const inbound = (item.kind === 'frame' || item.kind === 'h2-frame') && item.direction === 'in'
        arrows.push(
          inbound
            ? {
                kind: 'frame-in',
                from: 'browser',
                fromAt: item.at,
                toAt: item.at + oneWay,
                at: item.at,
                reused: false,
                title
              }
            : {
                kind: 'push',
                from: 'server',
                fromAt: item.at - oneWay,
                toAt: item.at,
                at: item.at,
                reused: false,
                title
              }
        )
        break
      }
      case 'closed':
        arrived.delete(item.connection)
        if (drawn) closes.push(item.at)
        break
    }
  }
  return { arrows, handshakes, holds, closes }
}
