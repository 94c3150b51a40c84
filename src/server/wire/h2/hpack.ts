import { HeaderBlockReader, maxInteger } from './hpack-block-reader.ts'
import { DynamicTable, type DynamicTableEntry } from './hpack-dynamic-table.ts'
import { HpackError } from './hpack-error.ts'
import { staticTable } from './hpack-static-table.ts'

export type { DynamicTableEntry } from './hpack-dynamic-table.ts'
export { HpackError, type HpackErrorReason } from './hpack-error.ts'

/** How a field was sent (RFC 7541 §6): by index, or as a literal the decoder adds to its table or not. */
export type FieldRepresentation =
  | 'indexed'
  | 'literal-incremental'
  | 'literal-without-indexing'
  | 'literal-never-indexed'

/** One header field of a block, with what the wire did to send it, so a view can teach it. */
export interface DecodedField {
  name: string
  value: string
  /** How it was sent: from the static or dynamic table by index, or as a literal (added to the table, not added, never indexed). */
  representation: FieldRepresentation
  /** Table index used for the field or its name, if any (1–61 static, 62+ dynamic). */
  index?: number
  /** Bytes this field took in the header block. */
  encodedBytes: number
  /** Whether the value literal was Huffman-coded (a browser codes all of its literals); literals only. */
  huffman?: boolean
  /** Whether the name literal was Huffman-coded; only when the name was sent as a literal, not by index. */
  nameHuffman?: boolean
}

/** A dynamic table size update (RFC 7541 §6.3): the encoder's new maximum for its table. */
export interface TableSizeUpdate {
  size: number
  encodedBytes: number
}

export interface DecodedHeaderBlock {
  fields: DecodedField[]
  /** The size updates that opened the block, if any (§4.2 allows them only there). */
  tableSizeUpdates: TableSizeUpdate[]
}

/** SETTINGS_HEADER_TABLE_SIZE until a peer says otherwise (RFC 9113 §6.5.2). */
export const defaultHeaderTableSize = 4096

/**
 * Decodes the header blocks of ONE direction of an HTTP/2 connection (RFC 7541), in order, for the
 * connection's whole life: its dynamic table mirrors the encoder's on the other end, so every block
 * must pass through, and a decoder that failed once refuses the rest (the tables no longer agree).
 * Work is linear in the block's length; hostile input ends in an HpackError, never a loop or a crash.
 */
export class HpackDecoder {
  readonly #table: DynamicTable
  #maxTableSize: number
  // §4.2: after the limit drops below the table's size, the encoder must say so first thing.
  #sizeUpdateRequired = false
  #failedWith: string | undefined

  /**
   * `maxTableSize`: the SETTINGS_HEADER_TABLE_SIZE of the endpoint that decodes (default 4096): the
   * server's for the requests it receives, the client's for the responses (Chromium announces 65536).
   */
  constructor(options: { maxTableSize?: number } = {}) {
    this.#maxTableSize = checkedTableSize(options.maxTableSize ?? defaultHeaderTableSize)
    this.#table = new DynamicTable(this.#maxTableSize)
  }

  /** The most the encoder may use: the decoding endpoint's SETTINGS_HEADER_TABLE_SIZE. */
  get maxTableSize(): number {
    return this.#maxTableSize
  }

  /**
   * Set it when the SETTINGS_HEADER_TABLE_SIZE of the endpoint that decodes takes effect, i.e. is
   * acknowledged (RFC 9113 §6.5.3). Below the table's current maximum, the table shrinks now and the
   * encoder's next block must open with a size update (RFC 7541 §4.2), as nghttp2 also requires.
   */
  set maxTableSize(size: number) {
    this.#maxTableSize = checkedTableSize(size)
    if (size < this.#table.capacity) {
      this.#table.resize(size)
      this.#sizeUpdateRequired = true
    }
  }

  /** The dynamic table's maximum size the encoder chose last (§6.3), at most `maxTableSize`. */
  get tableCapacity(): number {
    return this.#table.capacity
  }

  /** The dynamic table's size now: its entries' names and values plus 32 each (§4.1). */
  get tableSize(): number {
    return this.#table.size
  }

  /** The dynamic table, newest (index 62) first. */
  get table(): DynamicTableEntry[] {
    return this.#table.entries()
  }

  /** Decodes a whole header block (a HEADERS frame's fragment joined with its CONTINUATIONs). */
  decode(block: Buffer): DecodedField[] {
    return this.decodeBlock(block).fields
  }

  /** Like `decode`, with the dynamic table size updates the block opened with. */
  decodeBlock(block: Buffer): DecodedHeaderBlock {
    if (this.#failedWith !== undefined) {
      throw new HpackError(
        'decoder-failed-before',
        `this decoder failed on an earlier block (${this.#failedWith}), so its table no longer matches the encoder's`,
        0
      )
    }
    try {
      return this.#decode(new HeaderBlockReader(block))
    } catch (error) {
      this.#failedWith = error instanceof Error ? error.message : String(error)
      throw error
    }
  }

  #decode(reader: HeaderBlockReader): DecodedHeaderBlock {
    const fields: DecodedField[] = []
    const tableSizeUpdates: TableSizeUpdate[] = []
    while (!reader.done) {
      const first = reader.begin()
      if ((first & 0xe0) === 0x20) {
        tableSizeUpdates.push(this.#sizeUpdate(reader, fields.length > 0))
        continue
      }
      if (this.#sizeUpdateRequired) throw sizeUpdateMissing(reader.start)
      fields.push(first & 0x80 ? this.#indexed(reader) : this.#literal(reader, first))
    }
    if (this.#sizeUpdateRequired) throw sizeUpdateMissing(reader.start)
    return { fields, tableSizeUpdates }
  }

  /** §6.1: the whole field is a table entry. */
  #indexed(reader: HeaderBlockReader): DecodedField {
    const index = reader.integer(7)
    const { name, value } = this.#entry(index, reader.start)
    return { name, value, representation: 'indexed', index, encodedBytes: reader.consumed }
  }

  /** §6.2: a literal value, its name by index or literal; §6.2.1 adds the field to the table. */
  #literal(reader: HeaderBlockReader, first: number): DecodedField {
    const representation: FieldRepresentation =
      first & 0x40 ? 'literal-incremental' : first & 0x10 ? 'literal-never-indexed' : 'literal-without-indexing'
    const index = reader.integer(representation === 'literal-incremental' ? 6 : 4)
    const literalName = index === 0 ? reader.string() : undefined
    const name = literalName ? literalName.text : this.#entry(index, reader.start).name
    const value = reader.string()
    if (representation === 'literal-incremental') this.#table.add(name, value.text)
    return {
      name,
      value: value.text,
      representation,
      ...(literalName ? { nameHuffman: literalName.huffman } : { index }),
      encodedBytes: reader.consumed,
      huffman: value.huffman
    }
  }

  /** §6.3, only before the block's first field (§4.2), never above the decoder's limit. */
  #sizeUpdate(reader: HeaderBlockReader, afterAField: boolean): TableSizeUpdate {
    if (afterAField) {
      throw new HpackError(
        'table-size-update-late',
        'a dynamic table size update after a header field (RFC 7541 §4.2 allows it only at the start)',
        reader.start
      )
    }
    const size = reader.integer(5)
    if (size > this.#maxTableSize) {
      throw new HpackError(
        'table-size-above-max',
        `a dynamic table size update to ${size} bytes, above the ${this.#maxTableSize} SETTINGS_HEADER_TABLE_SIZE allows (RFC 7541 §6.3)`,
        reader.start
      )
    }
    this.#table.resize(size)
    this.#sizeUpdateRequired = false
    return { size, encodedBytes: reader.consumed }
  }

  /** §2.3.3: 1–61 the static table, from 62 the dynamic table, newest first. */
  #entry(index: number, offset: number): { name: string; value: string } {
    if (index === 0) throw new HpackError('index-zero', 'index 0 is no table entry (RFC 7541 §6.1)', offset)
    const fromStatic = staticTable[index - 1]
    if (fromStatic) return { name: fromStatic[0], value: fromStatic[1] }
    const fromDynamic = this.#table.get(index - staticTable.length)
    if (fromDynamic) return fromDynamic
    throw new HpackError(
      'index-unknown',
      `index ${index} is past the tables' ${staticTable.length} static and ${this.#table.length} dynamic entries (RFC 7541 §2.3.3)`,
      offset
    )
  }
}

function sizeUpdateMissing(offset: number): HpackError {
  return new HpackError(
    'table-size-update-missing',
    'the table size limit was lowered, but the block does not open with a dynamic table size update (RFC 7541 §4.2)',
    offset
  )
}

function checkedTableSize(size: number): number {
  if (!Number.isInteger(size) || size < 0 || size > maxInteger) {
    throw new RangeError(`a header table size is an integer from 0 to ${maxInteger}, not ${size}`)
  }
  return size
}

/**
 * Bytes the fields would take as HTTP/1.1 header lines, `name: value\r\n` each, to set beside the
 * HEADERS frame that carried them. Pseudo-header fields (`:method`, `:path`, `:status`…) are left out:
 * HTTP/1.1 carries them in its request or status line, not as header lines.
 */
export function headerListSize(fields: ReadonlyArray<{ name: string; value: string }>): number {
  let bytes = 0
  for (const { name, value } of fields) {
    if (!name.startsWith(':')) bytes += name.length + 2 + value.length + 2
  }
  return bytes
}

/**
 * The header list's size as HTTP/2 counts it against SETTINGS_MAX_HEADER_LIST_SIZE
 * (RFC 9113 §6.5.2): name + value + 32 per field, pseudo-header fields included.
 */
export function http2HeaderListSize(fields: ReadonlyArray<{ name: string; value: string }>): number {
  let bytes = 0
  for (const { name, value } of fields) bytes += name.length + value.length + 32
  return bytes
}
