import { HpackError } from './hpack-error.ts'
import { huffmanDecode } from './hpack-huffman.ts'

/** The largest integer a block may carry: table sizes are 32-bit SETTINGS values, and no index or length is larger. */
export const maxInteger = 2 ** 32 - 1
// §5.1 lets an integer go on forever; 5 continuation bytes of 7 bits already reach past maxInteger.
const maxContinuationBytes = 5

/**
 * Reads the primitives of one header block (RFC 7541 §5: integers with an N-bit prefix, string
 * literals) in order, throwing an HpackError at the first thing wrong. Never reads past the block.
 */
export class HeaderBlockReader {
  readonly #block: Buffer
  #at = 0
  /** Where the representation being read began. */
  start = 0

  constructor(block: Buffer) {
    this.#block = block
  }

  get done(): boolean {
    return this.#at >= this.#block.length
  }

  /** Starts the next representation and returns its first byte (which says its kind). */
  begin(): number {
    this.start = this.#at
    return this.#block[this.#at] as number
  }

  /** Bytes the current representation took so far. */
  get consumed(): number {
    return this.#at - this.start
  }

  /** RFC 7541 §5.1: an integer in the low `prefixBits` of this byte, continued 7 bits a byte if they are all ones. */
  integer(prefixBits: number): number {
    const max = (1 << prefixBits) - 1
    let value = (this.#byte('an integer') as number) & max
    if (value < max) return value
    for (let count = 0; count < maxContinuationBytes; count++) {
      const byte = this.#byte('an integer')
      value += (byte & 0x7f) * 2 ** (7 * count)
      if (value > maxInteger) break
      if ((byte & 0x80) === 0) return value
    }
    throw new HpackError('integer-too-long', `an integer is longer than any table size, index or length`, this.start)
  }

  /** RFC 7541 §5.2: a string literal, its octets as latin1 (one char per octet, as Node gives header values). */
  string(): { text: string; huffman: boolean } {
    const huffman = ((this.#block[this.#at] ?? 0) & 0x80) !== 0
    const length = this.integer(7)
    if (length > this.#block.length - this.#at) {
      throw new HpackError(
        'truncated',
        `a string literal of ${length} bytes runs past the end of the block (${this.#block.length - this.#at} left)`,
        this.start
      )
    }
    const octets = this.#block.subarray(this.#at, this.#at + length)
    this.#at += length
    const text = (huffman ? huffmanDecode(octets, this.start) : octets).toString('latin1')
    return { text, huffman }
  }

  #byte(what: string): number {
    const byte = this.#block[this.#at++]
    if (byte === undefined) throw new HpackError('truncated', `the block ends inside ${what}`, this.start)
    return byte
  }
}
