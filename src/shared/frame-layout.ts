/**
 * RFC 6455 section 5.2's base frame header, field by field, as the RFC's figure draws it:
 * bit 0 is the most significant bit of the first byte, 32 bits to a row.
 */
export interface FrameHeaderField {
  /** The RFC's name for it. */
  name: string
  /** Its width in bits; the extended payload length is 16 or 64 bits, by the 7-bit length's value. */
  bits: number | '16/64'
  /** When it is there at all. */
  when?: string
}

/** Every header field, in wire order; payload data follows them. */
export const frameHeaderFields: readonly FrameHeaderField[] = [
  { name: 'FIN', bits: 1 },
  { name: 'RSV1', bits: 1 },
  { name: 'RSV2', bits: 1 },
  { name: 'RSV3', bits: 1 },
  { name: 'opcode', bits: 4 },
  { name: 'MASK', bits: 1 },
  { name: 'Payload len', bits: 7 },
  { name: 'Extended payload length', bits: '16/64', when: 'if payload len == 126 (16 bits) or 127 (64 bits)' },
  { name: 'Masking-key', bits: 32, when: 'if MASK is 1' }
]

/** One field of a real frame, as it lies on the wire: where it starts, counted in bits from the frame's first bit. */
export interface PlacedField {
  name: string
  start: number
  bits: number
}

/**
 * The fields a given frame really has, in wire order: the fixed 16 bits, then the extended length
 * only in its 16- or 64-bit form, the masking key only when masked, then `payloadBits` of payload.
 */
export function placedFields(frame: { masked: boolean; lengthForm: 7 | 16 | 64 }, payloadBits: number): PlacedField[] {
  const widths: [string, number][] = [
    ['FIN', 1],
    ['RSV1', 1],
    ['RSV2', 1],
    ['RSV3', 1],
    ['opcode', 4],
    ['MASK', 1],
    ['Payload len', 7]
  ]
  if (frame.lengthForm !== 7) widths.push(['Extended payload length', frame.lengthForm])
  if (frame.masked) widths.push(['Masking-key', 32])
  if (payloadBits > 0) widths.push(['Payload data', payloadBits])
  let start = 0
  return widths.map(([name, bits]) => {
    const field = { name, start, bits }
    start += bits
    return field
  })
}

/** Hex (`8158…`) → its bits, most significant first, as RFC 6455 numbers them. */
export function bitsOfHex(hex: string): number[] {
  const bits: number[] = []
  for (let i = 0; i + 1 < hex.length; i += 2) {
    const byte = Number.parseInt(hex.slice(i, i + 2), 16)
    for (let bit = 7; bit >= 0; bit--) bits.push((byte >> bit) & 1)
  }
  return bits
}
