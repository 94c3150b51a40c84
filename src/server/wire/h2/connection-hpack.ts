import { frameFlags, frameTypes, headerFragmentOf, settingIds, settingsOf } from './frame-meaning.ts'
import type { Frame } from './frame-reader.ts'
import { type DecodedField, HpackDecoder } from './hpack.ts'

export type Direction = 'in' | 'out'

/** A header block that ended with the frame just read. */
export interface EndedHeaderBlock {
  /** The decoded fields; undefined when this direction's decoder failed (now or on an earlier block). */
  fields: DecodedField[] | undefined
  /** Why `fields` is missing. */
  error: string | undefined
  /** Set only on the block whose decoding failed: the failure to report (once). */
  failure: unknown
  /** The fragments' bytes, joined over HEADERS (or PUSH_PROMISE) and its CONTINUATIONs. */
  blockBytes: number
  continuations: number
}

const opposite = (direction: Direction): Direction => (direction === 'in' ? 'out' : 'in')

/**
 * The HPACK side of one HTTP/2 connection: a decoder per direction for its whole life, fed every header
 * block of that direction in order (their dynamic tables mirror the encoders', so none may be skipped).
 * It also follows SETTINGS: an endpoint's SETTINGS_HEADER_TABLE_SIZE bounds the table of what is sent
 * TO it, from when its SETTINGS are acknowledged (RFC 9113 §6.5.3). A decoder that fails stops for good
 * (its table no longer matches); the other direction goes on.
 */
export class ConnectionHpack {
  readonly #decoders: Record<Direction, HpackDecoder> = { in: new HpackDecoder(), out: new HpackDecoder() }
  /** Fragments of a block whose END_HEADERS has not come yet, per direction. */
  readonly #fragments: Record<Direction, Buffer[]> = { in: [], out: [] }
  /** The failure that stopped each direction's decoder. */
  readonly #failed: Record<Direction, string | undefined> = { in: undefined, out: undefined }
  /** HEADER_TABLE_SIZE of each SETTINGS sent this way and not yet acknowledged (undefined: it left it unchanged). */
  readonly #unacknowledged: Record<Direction, Array<number | undefined>> = { in: [], out: [] }

  /** Reads one frame going `direction`; returns the header block it ended, if it ended one. */
  frame(direction: Direction, { type, flags, payload }: Frame): EndedHeaderBlock | undefined {
    if (type === frameTypes.settings) {
      this.#settings(direction, flags, payload)
      return undefined
    }
    const fragments = this.#fragments[direction]
    if (type === frameTypes.headers || type === frameTypes.pushPromise) {
      fragments.length = 0
      // A payload shorter than its own flags say: keep the block's place, it cannot be decoded.
      fragments.push(headerFragmentOf(type, flags, payload) ?? Buffer.alloc(0))
    } else if (type === frameTypes.continuation && fragments.length > 0) {
      fragments.push(payload)
    } else {
      return undefined
    }
    if ((flags & frameFlags.endHeaders) === 0) return undefined
    // Copied by the join (or the slice): a payload is a view of bytes the reader reuses.
    const block = Buffer.concat(fragments)
    const continuations = fragments.length - 1
    fragments.length = 0
    return { ...this.#decode(direction, block), blockBytes: block.length, continuations }
  }

  #decode(direction: Direction, block: Buffer): Pick<EndedHeaderBlock, 'fields' | 'error' | 'failure'> {
    const failedBefore = this.#failed[direction]
    if (failedBefore !== undefined)
      return { fields: undefined, error: `not decoded: ${failedBefore}`, failure: undefined }
    try {
      return { fields: this.#decoders[direction].decode(block), error: undefined, failure: undefined }
    } catch (failure) {
      const reason = failure instanceof Error ? failure.message : String(failure)
      this.#failed[direction] = `this direction's HPACK decoder failed on an earlier block (${reason})`
      return { fields: undefined, error: `not decoded: ${reason}`, failure }
    }
  }

  #settings(direction: Direction, flags: number, payload: Buffer): void {
    if ((flags & frameFlags.ack) === 0) {
      const tableSize = settingsOf(payload).findLast(({ id }) => id === settingIds.headerTableSize)?.value
      this.#unacknowledged[direction].push(tableSize)
      return
    }
    // An ACK going this way acknowledges the oldest SETTINGS that went the other way: from now on the
    // encoder on this side may use the table size its peer announced.
    const tableSize = this.#unacknowledged[opposite(direction)].shift()
    if (tableSize === undefined || this.#failed[direction] !== undefined) return
    try {
      this.#decoders[direction].maxTableSize = tableSize
    } catch (failure) {
      this.#failed[direction] = failure instanceof Error ? failure.message : String(failure)
    }
  }
}
