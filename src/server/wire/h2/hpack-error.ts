/** Why a header block could not be decoded; one code per rule of RFC 7541 it broke. */
export type HpackErrorReason =
  | 'truncated'
  | 'integer-too-long'
  | 'index-zero'
  | 'index-unknown'
  | 'huffman-padding-too-long'
  | 'huffman-padding-not-eos'
  | 'huffman-eos'
  | 'table-size-above-max'
  | 'table-size-update-late'
  | 'table-size-update-missing'
  | 'decoder-failed-before'

/**
 * A malformed header block. HTTP/2 treats every HPACK decoding error as a connection error of type
 * COMPRESSION_ERROR (RFC 9113 §4.3): the two tables can no longer be trusted to agree.
 */
export class HpackError extends Error {
  override readonly name = 'HpackError'
  /** RFC 9113 §7: COMPRESSION_ERROR, the code a peer would put in its GOAWAY. */
  readonly http2ErrorCode = 0x9
  readonly reason: HpackErrorReason
  /** Where in the header block the broken representation starts. */
  readonly offset: number

  constructor(reason: HpackErrorReason, message: string, offset: number) {
    super(`${message} (at byte ${offset} of the header block)`)
    this.reason = reason
    this.offset = offset
  }
}
