import type { Http2FrameItem, Http2HeaderField } from '../../../shared/capture.ts'
import type { EndedHeaderBlock } from '../h2/connection-hpack.ts'
import { errorCodeName, flagNamesOf, frameFlags, frameTypes, settingName, settingsOf } from '../h2/frame-meaning.ts'
import { frameHeaderBytes, frameTypeName } from '../h2/frame-reader.ts'
import { http1HeadBytes } from '../h2/http1-equivalent.ts'
import type { TappedFrame } from '../h2/tap-sessions.ts'
import { httpLimits } from './http-framing.ts'
import { headLimitBytes } from './socket-tap.ts'

/** A frame's item before it knows its technique (its stream's route names it later) and before the store numbers it. */
export type UnownedHttp2FrameItem = Omit<Http2FrameItem, 'seq' | 'simulatedRttMs' | 'technique'>

/**
 * The capture item of one HTTP/2 frame: its header as read, and what its payload says for its type.
 * `block` is the header block the frame starts (HEADERS, PUSH_PROMISE), decoded once it ended. Payload
 * text is cut as HTTP/1.1 stream chunks are, a header list as HTTP/1.1 heads are.
 */
export function http2FrameItem(
  frame: TappedFrame,
  connection: number,
  at: number,
  block?: EndedHeaderBlock
): UnownedHttp2FrameItem {
  const { type, flags, payload } = frame
  const item: UnownedHttp2FrameItem = {
    kind: 'h2-frame',
    connection,
    at,
    direction: frame.direction,
    streamId: frame.streamId,
    type,
    typeName: frameTypeName(type),
    flags,
    flagNames: flagNamesOf(type, flags),
    length: frame.length,
    headerBytes: frameHeaderBytes,
    truncated: false
  }
  if (block) {
    item.blockBytes = block.blockBytes
    item.continuations = block.continuations
    if (block.fields) {
      item.asHttp1Bytes = http1HeadBytes(block.fields)
      const kept = keptFields(block.fields)
      item.fields = kept.fields
      item.truncated = kept.truncated
    } else if (block.error !== undefined) item.undecoded = block.error
  }
  switch (type) {
    case frameTypes.data: {
      const start = dataOf(flags, payload).subarray(0, httpLimits.streamTextBytes)
      item.payload = start.toString('utf8')
      item.truncated = start.length < dataOf(flags, payload).length
      break
    }
    case frameTypes.rstStream:
      if (payload.length >= 4) item.errorCode = errorCodeName(payload.readUInt32BE(0))
      break
    case frameTypes.goaway:
      if (payload.length >= 8) {
        item.lastStreamId = payload.readUInt32BE(0) & 0x7fffffff
        item.errorCode = errorCodeName(payload.readUInt32BE(4))
      }
      break
    case frameTypes.settings:
      item.settings = settingsOf(payload).map(({ id, value }) => `${settingName(id)}=${value}`)
      break
    case frameTypes.windowUpdate:
      if (payload.length >= 4) item.windowIncrement = payload.readUInt32BE(0) & 0x7fffffff
      break
    case frameTypes.ping:
      item.opaqueHex = payload.subarray(0, 8).toString('hex')
      break
  }
  return item
}

/** A DATA payload without its padding (PADDED: a pad-length byte first, that many zero bytes last). */
function dataOf(flags: number, payload: Buffer): Buffer {
  if ((flags & frameFlags.padded) === 0) return payload
  const padding = payload[0] ?? 0
  return payload.subarray(1, Math.max(1, payload.length - padding))
}

/** The fields as kept: names and values up to `headLimitBytes` in all, the field that crosses it cut. */
function keptFields(fields: ReadonlyArray<Http2HeaderField>): { fields: Http2HeaderField[]; truncated: boolean } {
  const kept: Http2HeaderField[] = []
  let left = headLimitBytes
  for (const field of fields) {
    if (left <= 0) return { fields: kept, truncated: true }
    const size = field.name.length + field.value.length
    kept.push(
      size <= left ? { ...field } : { ...field, value: field.value.slice(0, Math.max(0, left - field.name.length)) }
    )
    if (size > left) return { fields: kept, truncated: true }
    left -= size
  }
  return { fields: kept, truncated: false }
}
