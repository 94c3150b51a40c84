/**
 * The ways a browser can get the feed, in the order they appeared on the web.
 * One name each, used as registry key, URL path (`/feed/<name>`), DOM id, lesson and test name.
 */
export const techniqueNames = [
  'refresh',
  'ajax',
  'polling',
  'long-polling',
  'sse',
  'websocket',
  'fetch-stream',
  'iframe-stream'
] as const

export type TechniqueName = (typeof techniqueNames)[number]

/**
 * Traffic that belongs to no technique: the page itself (static files, stats), chat messages sent by
 * POST, and (over `--http2`) the connection's own cost: HTTP/2's stream-0 frames and preface, and TLS.
 */
export const otherRowNames = ['page', 'messages', 'connection'] as const

export type OtherRowName = (typeof otherRowNames)[number]

export type RowName = TechniqueName | OtherRowName

export function isTechniqueName(name: string): name is TechniqueName {
  return (techniqueNames as readonly string[]).includes(name)
}

/** Marks drawn for a technique's events in the race view, the diagrams and the legends. */
export type MarkShape = 'square' | 'diamond' | 'triangle' | 'triangle-down' | 'circle' | 'plus' | 'hexagon' | 'star'

/**
 * When the browser sends a request for news: when someone asks (`by hand`), `on a timer`,
 * `again at once` after each answer (the server holds a request until there is news), or
 * `once`, after which the server pushes every event on the open response or connection.
 */
export type Asking = 'by hand' | 'on a timer' | 'again at once' | 'once'

/** A figure from books, NOT measured here: the overhead a textbook gives, per request or per pushed event. */
export interface TextbookOverhead {
  per: 'request' | 'event'
  /** Bytes of heads or framing, a range. */
  min: number
  max: number
  /** What the bytes are, and where the figure comes from. */
  what: string
}

/**
 * What a technique is, declared once; everything that differs between techniques asks these
 * traits, never the name. The colours come from the Okabe–Ito palette (told apart with the
 * common colour-vision deficiencies); the letter and the shape make sure colour is never the only cue.
 */
export interface Technique {
  name: TechniqueName
  title: string
  /** One line on how it works, for its panel. */
  how: string
  /** Its colour on a light page and on a dark one (CSS `--<name>`), from the Okabe–Ito palette. */
  colour: { light: string; dark: string }
  letter: string
  shape: MarkShape
  asking: Asking
  /** The browser can send on the same connection (chat, moves, pings), not only receive. */
  duplex: boolean
  /** The answer is one response that never ends: the server writes each event into it. */
  streamed: boolean
  /** Its first request switches the connection to another protocol (HTTP Upgrade, `101`). */
  upgrades: boolean
  /** After a drop it asks again from its cursor, so it misses and repeats nothing. */
  resumable: boolean
  /** What its answers are. */
  contentType: string
  /** The manual ones: what their one action is called. */
  action?: 'Reload' | 'Update'
  textbook: TextbookOverhead
}

/** HPBN: HTTP/1.x request + response headers, typically 500–800 bytes an exchange, kilobytes more with cookies. */
const httpHeaders: TextbookOverhead = {
  per: 'request',
  min: 500,
  max: 800,
  what: '500 to 800 bytes of headers per exchange (Grigorik, High Performance Browser Networking, 2013)'
}

export const techniques: Record<TechniqueName, Technique> = {
  refresh: {
    name: 'refresh',
    title: 'Manual refresh',
    how: 'A whole HTML page rendered by the server. Nothing changes until you reload it.',
    colour: { light: '#d55e00', dark: '#d55e00' },
    letter: 'R',
    shape: 'square',
    asking: 'by hand',
    duplex: false,
    streamed: false,
    upgrades: false,
    resumable: false,
    contentType: 'text/html',
    action: 'Reload',
    textbook: httpHeaders
  },
  ajax: {
    name: 'ajax',
    title: 'Manual AJAX',
    how: 'The page asks with fetch() only when you press Update, and gets just the new events as JSON.',
    colour: { light: '#cc79a7', dark: '#cc79a7' },
    letter: 'A',
    shape: 'diamond',
    asking: 'by hand',
    duplex: false,
    streamed: false,
    upgrades: false,
    resumable: true,
    contentType: 'application/json',
    action: 'Update',
    textbook: httpHeaders
  },
  polling: {
    name: 'polling',
    title: 'Interval polling',
    how: 'The page asks on a timer, news or not. Every answer costs a request, even an empty one.',
    colour: { light: '#e69f00', dark: '#e69f00' },
    letter: 'P',
    shape: 'triangle',
    asking: 'on a timer',
    duplex: false,
    streamed: false,
    upgrades: false,
    resumable: true,
    contentType: 'application/json',
    textbook: {
      per: 'request',
      min: 871,
      max: 871,
      what: '871 bytes of headers per poll (websocket.org’s polling example)'
    }
  },
  'long-polling': {
    name: 'long-polling',
    title: 'Long polling',
    how: 'The server holds each request until an event exists, answers, and the page asks again at once.',
    colour: { light: '#56b4e9', dark: '#56b4e9' },
    letter: 'L',
    shape: 'triangle-down',
    asking: 'again at once',
    duplex: false,
    streamed: false,
    upgrades: false,
    resumable: true,
    contentType: 'application/json',
    textbook: httpHeaders
  },
  sse: {
    name: 'sse',
    title: 'Server-Sent Events',
    how: 'One HTTP response that never ends: the server writes an id: and data: block per event.',
    colour: { light: '#009e73', dark: '#009e73' },
    letter: 'S',
    shape: 'circle',
    asking: 'once',
    duplex: false,
    streamed: true,
    upgrades: false,
    resumable: true,
    contentType: 'text/event-stream',
    textbook: {
      per: 'event',
      min: 8,
      max: 8,
      what: 'at least 8 bytes of data: framing per event (the HTML standard’s event-stream format)'
    }
  },
  websocket: {
    name: 'websocket',
    title: 'WebSocket',
    how: 'One HTTP Upgrade, then a full-duplex connection: the server pushes frames, the page can send too.',
    // Okabe–Ito's blue, lightened on a dark page to keep 3:1 against it.
    colour: { light: '#0072b2', dark: '#3d9be0' },
    letter: 'W',
    shape: 'plus',
    asking: 'once',
    duplex: true,
    streamed: false,
    upgrades: true,
    resumable: true,
    contentType: 'application/json',
    textbook: { per: 'event', min: 2, max: 14, what: '2 to 14 bytes of frame header per event (RFC 6455 §5.2)' }
  },
  'fetch-stream': {
    name: 'fetch-stream',
    title: 'Streaming fetch',
    how: 'One fetch() whose answer never ends: a line of JSON per event (NDJSON), read as it arrives.',
    // Okabe–Ito's yellow, darkened on a light page so its marks stand out there.
    colour: { light: '#b5a300', dark: '#f0e442' },
    letter: 'F',
    shape: 'hexagon',
    asking: 'once',
    duplex: false,
    streamed: true,
    upgrades: false,
    resumable: true,
    contentType: 'application/x-ndjson',
    textbook: {
      per: 'event',
      min: 1,
      max: 1,
      what: 'one line break per event besides the JSON (NDJSON: a JSON text per line)'
    }
  },
  'iframe-stream': {
    name: 'iframe-stream',
    title: 'Forever frame',
    how: 'A hidden iframe whose page never ends: the server writes one <script> per event, which hands it to the page.',
    // Okabe–Ito's eighth colour is black; a grey keeps the black letter on it readable, light or dark.
    colour: { light: '#8c8c8c', dark: '#a6a6a6' },
    letter: 'I',
    shape: 'star',
    asking: 'once',
    duplex: false,
    streamed: true,
    upgrades: false,
    resumable: true,
    contentType: 'text/html',
    textbook: {
      per: 'event',
      min: 88,
      max: 88,
      what: '88 bytes of script tag and nonce around each event (this server’s forever-frame format; Comet had no standard one)'
    }
  }
}

/** Every technique, in the order they appeared on the web. */
export const allTechniques: readonly Technique[] = techniqueNames.map((name) => techniques[name])

/** Techniques that pay one HTTP request per answer (the others push on one open response or connection). */
export function isPulled(technique: Technique): boolean {
  return technique.asking !== 'once'
}

/**
 * Techniques that keep one of the browser's HTTP/1.1 connections busy while on: a poll the server
 * holds, or a response that never ends. A WebSocket leaves the HTTP pool once upgraded.
 */
export function holdsConnection(technique: Technique): boolean {
  return !technique.upgrades && (technique.streamed || technique.asking === 'again at once')
}
