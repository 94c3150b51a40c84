import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { HpackError } from '../../../src/server/wire/h2/hpack-error.ts'
import { huffmanCodes, huffmanDecode, huffmanEncode } from '../../../src/server/wire/h2/hpack-huffman.ts'

// The table was typed from RFC 7541 Appendix B. What pins it down: the RFC's code is canonical
// (within a length, codes count up in symbol order; each length starts where the last left off,
// shifted) and complete (EOS, last, is all ones), so a slip in one length or code breaks the checks
// below, and hpack-against-node.test.ts decodes every octet Node may send in a header value as
// nghttp2 Huffman-coded it.

const decodeThrows = (hexBytes: string, reason: string) =>
  assert.throws(
    () => huffmanDecode(Buffer.from(hexBytes, 'hex')),
    (error) => error instanceof HpackError && error.reason === reason
  )

describe('Huffman code table (RFC 7541 Appendix B)', () => {
  test('has a code for each of the 256 octets and EOS, 5 to 30 bits long', () => {
    assert.equal(huffmanCodes.length, 257)
    for (const [symbol, [code, bits]] of huffmanCodes.entries()) {
      assert.ok(bits >= 5 && bits <= 30, `symbol ${symbol}: ${bits} bits`)
      assert.ok(code < 2 ** bits, `symbol ${symbol}: code 0x${code.toString(16)} wider than ${bits} bits`)
    }
  })

  test('is the canonical code: sorted by length then symbol, each code is the one before plus one', () => {
    const bySize = [...huffmanCodes.entries()].sort(([a, [, aBits]], [b, [, bBits]]) => aBits - bBits || a - b)
    let expected = 0
    let previousBits = (bySize[0] as [number, readonly [number, number]])[1][1]
    for (const [symbol, [code, bits]] of bySize) {
      expected *= 2 ** (bits - previousBits)
      assert.equal(code, expected, `symbol ${symbol} (${bits} bits)`)
      expected++
      previousBits = bits
    }
    assert.equal(expected, 2 ** 30, 'the last code (EOS) is 30 ones: the code is complete')
  })

  test('the short codes the RFC lists first: 0 1 2 a c e i o s t in 5 bits, from 00000 up', () => {
    const fiveBits = [...huffmanCodes.entries()].filter(([, [, bits]]) => bits === 5)
    assert.deepEqual(
      fiveBits.map(([symbol, [code]]) => [String.fromCharCode(symbol), code]),
      [...'012aceiost'].map((char, code) => [char, code])
    )
    assert.deepEqual(huffmanCodes[256], [0x3fffffff, 30], 'EOS')
  })

  test('every octet encodes and decodes back, alone and all 256 in one string', () => {
    for (let octet = 0; octet < 256; octet++) {
      const encoded = huffmanEncode(Buffer.of(octet))
      assert.equal(encoded.length, Math.ceil((huffmanCodes[octet]?.[1] ?? 0) / 8))
      assert.deepEqual(huffmanDecode(encoded), Buffer.of(octet), `octet ${octet}`)
    }
    const every = Buffer.from(Array.from({ length: 256 }, (_, octet) => octet))
    assert.deepEqual(huffmanDecode(huffmanEncode(every)), every)
  })

  test('decodes the RFC examples: www.example.com, no-cache, custom-key', () => {
    assert.equal(huffmanDecode(Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex')).toString('latin1'), 'www.example.com')
    assert.equal(huffmanDecode(Buffer.from('a8eb10649cbf', 'hex')).toString('latin1'), 'no-cache')
    assert.equal(huffmanDecode(Buffer.from('25a849e95ba97d7f', 'hex')).toString('latin1'), 'custom-key')
    assert.deepEqual(huffmanEncode(Buffer.from('www.example.com')), Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex'))
  })
})

describe('Huffman decoding: the end of a string (RFC 7541 §5.2)', () => {
  test('takes up to 7 bits of padding that are the start of EOS (ones)', () => {
    assert.equal(huffmanDecode(Buffer.from('1f', 'hex')).toString('latin1'), 'a') // 00011 + 111
    assert.equal(huffmanDecode(Buffer.alloc(0)).length, 0)
  })

  test('refuses padding that is not all ones', () => {
    decodeThrows('18', 'huffman-padding-not-eos') // 00011 + 000
    decodeThrows('00', 'huffman-padding-not-eos') // '0' (00000) + 000
  })

  test('refuses padding of 8 bits or more, even all ones', () => {
    decodeThrows('1fff', 'huffman-padding-too-long')
    decodeThrows('ff', 'huffman-padding-too-long')
  })

  test('refuses the EOS symbol inside a string', () => {
    decodeThrows('ffffffff', 'huffman-eos')
  })
})
