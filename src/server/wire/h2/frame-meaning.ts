/** What the codes in HTTP/2 frames mean (RFC 9113 §6, §7, §6.5.2; RFC 8441 §3), for views that name them. */

/** Frame type codes that carry a header block or the flags below. */
export const frameTypes = {
  data: 0x0,
  headers: 0x1,
  rstStream: 0x3,
  settings: 0x4,
  pushPromise: 0x5,
  ping: 0x6,
  goaway: 0x7,
  windowUpdate: 0x8,
  continuation: 0x9
} as const

export const frameFlags = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const

/** The flags each frame type defines (the same bit means ACK on SETTINGS and PING, END_STREAM elsewhere). */
const flagsOfType: ReadonlyMap<number, ReadonlyArray<readonly [number, string]>> = new Map([
  [
    frameTypes.data,
    [
      [frameFlags.endStream, 'END_STREAM'],
      [frameFlags.padded, 'PADDED']
    ]
  ],
  [
    frameTypes.headers,
    [
      [frameFlags.endStream, 'END_STREAM'],
      [frameFlags.endHeaders, 'END_HEADERS'],
      [frameFlags.padded, 'PADDED'],
      [frameFlags.priority, 'PRIORITY']
    ]
  ],
  [frameTypes.settings, [[frameFlags.ack, 'ACK']]],
  [
    frameTypes.pushPromise,
    [
      [frameFlags.endHeaders, 'END_HEADERS'],
      [frameFlags.padded, 'PADDED']
    ]
  ],
  [frameTypes.ping, [[frameFlags.ack, 'ACK']]],
  [frameTypes.continuation, [[frameFlags.endHeaders, 'END_HEADERS']]]
])

/** The names of the flags set in `flags` that frame type `type` defines; bits it does not define are left out. */
export function flagNamesOf(type: number, flags: number): string[] {
  return (flagsOfType.get(type) ?? []).filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name)
}

/** RST_STREAM and GOAWAY error codes (RFC 9113 §7), by code. */
const errorCodeNames = [
  'NO_ERROR',
  'PROTOCOL_ERROR',
  'INTERNAL_ERROR',
  'FLOW_CONTROL_ERROR',
  'SETTINGS_TIMEOUT',
  'STREAM_CLOSED',
  'FRAME_SIZE_ERROR',
  'REFUSED_STREAM',
  'CANCEL',
  'COMPRESSION_ERROR',
  'CONNECT_ERROR',
  'ENHANCE_YOUR_CALM',
  'INADEQUATE_SECURITY',
  'HTTP_1_1_REQUIRED'
] as const

export function errorCodeName(code: number): string {
  return errorCodeNames[code] ?? `UNKNOWN(0x${code.toString(16)})`
}

export const settingIds = { headerTableSize: 0x1 } as const

/** SETTINGS parameters (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1), by identifier. */
const settingNames: ReadonlyMap<number, string> = new Map([
  [0x1, 'HEADER_TABLE_SIZE'],
  [0x2, 'ENABLE_PUSH'],
  [0x3, 'MAX_CONCURRENT_STREAMS'],
  [0x4, 'INITIAL_WINDOW_SIZE'],
  [0x5, 'MAX_FRAME_SIZE'],
  [0x6, 'MAX_HEADER_LIST_SIZE'],
  [0x8, 'ENABLE_CONNECT_PROTOCOL'],
  [0x9, 'NO_RFC7540_PRIORITIES']
])

export function settingName(id: number): string {
  return settingNames.get(id) ?? `UNKNOWN(0x${id.toString(16)})`
}

/** A SETTINGS payload's parameters, 6 bytes each (a trailing partial one is ignored). */
export function settingsOf(payload: Buffer): Array<{ id: number; value: number }> {
  const settings: Array<{ id: number; value: number }> = []
  for (let at = 0; at + 6 <= payload.length; at += 6)
    settings.push({ id: payload.readUInt16BE(at), value: payload.readUInt32BE(at + 2) })
  return settings
}

/**
 * The header block fragment inside a HEADERS or PUSH_PROMISE payload: padding (PADDED), the priority
 * fields (HEADERS with PRIORITY) and the promised stream id (PUSH_PROMISE) taken off. Undefined when the
 * payload is shorter than what its flags say it holds.
 */
export function headerFragmentOf(type: number, flags: number, payload: Buffer): Buffer | undefined {
  let start = 0
  let end = payload.length
  if (flags & frameFlags.padded) {
    if (payload.length < 1) return undefined
    end -= payload[0] as number
    start = 1
  }
  if (type === frameTypes.headers && flags & frameFlags.priority) start += 5
  if (type === frameTypes.pushPromise) start += 4
  return start <= end ? payload.subarray(start, end) : undefined
}
