import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  type DecodedField,
  HpackDecoder,
  HpackError,
  type HpackErrorReason,
  headerListSize,
  http2HeaderListSize
} from '../../../src/server/wire/h2/hpack.ts'

// RFC 7541 Appendix C: every block and the table it must leave behind, newest entry first.

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex')
const pairs = (fields: DecodedField[]) => fields.map(({ name, value }) => [name, value])
const tableOf = (decoder: HpackDecoder) => decoder.table.map(({ name, value }) => [name, value])

const requests = [
  {
    fields: [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com']
    ],
    table: [[':authority', 'www.example.com']],
    tableSize: 57
  },
  {
    fields: [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache']
    ],
    table: [
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com']
    ],
    tableSize: 110
  },
  {
    fields: [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value']
    ],
    table: [
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com']
    ],
    tableSize: 164
  }
]

const date21 = ['date', 'Mon, 21 Oct 2013 20:13:21 GMT']
const cookie = ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1']
const responses = [
  {
    fields: [[':status', '302'], ['cache-control', 'private'], date21, ['location', 'https://www.example.com']],
    table: [['location', 'https://www.example.com'], date21, ['cache-control', 'private'], [':status', '302']],
    tableSize: 222
  },
  {
    fields: [[':status', '307'], ['cache-control', 'private'], date21, ['location', 'https://www.example.com']],
    // ':status: 302' was evicted to make room for ':status: 307' (§4.4).
    table: [[':status', '307'], ['location', 'https://www.example.com'], date21, ['cache-control', 'private']],
    tableSize: 222
  },
  {
    fields: [
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
      ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'],
      cookie
    ],
    table: [cookie, ['content-encoding', 'gzip'], ['date', 'Mon, 21 Oct 2013 20:13:22 GMT']],
    tableSize: 215
  }
]

function decodesInTurn(blocks: string[], expected: typeof requests, maxTableSize?: number): DecodedField[][] {
  const decoder = new HpackDecoder(maxTableSize === undefined ? {} : { maxTableSize })
  return blocks.map((block, i) => {
    const want = expected[i] as (typeof requests)[number]
    const fields = decoder.decode(hex(block))
    assert.deepEqual(pairs(fields), want.fields, `block ${i + 1}: fields`)
    assert.deepEqual(tableOf(decoder), want.table, `block ${i + 1}: dynamic table`)
    assert.equal(decoder.tableSize, want.tableSize, `block ${i + 1}: table size`)
    assert.equal(
      fields.reduce((sum, field) => sum + field.encodedBytes, 0),
      hex(block).length,
      `block ${i + 1}: every byte belongs to a field`
    )
    return fields
  })
}

describe('HPACK decoder: RFC 7541 Appendix C', () => {
  test('C.2.1 a literal with a new name, added to the table', () => {
    const decoder = new HpackDecoder()
    const [field] = decoder.decode(hex('400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572'))
    assert.deepEqual(field, {
      name: 'custom-key',
      value: 'custom-header',
      representation: 'literal-incremental',
      nameHuffman: false,
      huffman: false,
      encodedBytes: 26
    })
    assert.deepEqual(tableOf(decoder), [['custom-key', 'custom-header']])
    assert.equal(decoder.tableSize, 55)
  })

  test('C.2.2 a literal with an indexed name, not added to the table', () => {
    const decoder = new HpackDecoder()
    const [field] = decoder.decode(hex('040c 2f73 616d 706c 652f 7061 7468'))
    assert.deepEqual(field, {
      name: ':path',
      value: '/sample/path',
      representation: 'literal-without-indexing',
      index: 4,
      huffman: false,
      encodedBytes: 14
    })
    assert.equal(decoder.tableSize, 0)
  })

  test('C.2.3 a literal never to be indexed (by this hop or any after it)', () => {
    const decoder = new HpackDecoder()
    const fields = decoder.decode(hex('1008 7061 7373 776f 7264 0673 6563 7265 74'))
    assert.deepEqual(pairs(fields), [['password', 'secret']])
    assert.equal(fields[0]?.representation, 'literal-never-indexed')
    assert.equal(decoder.tableSize, 0)
  })

  test('C.2.4 an indexed field from the static table in one byte', () => {
    const [field] = new HpackDecoder().decode(hex('82'))
    assert.deepEqual(field, { name: ':method', value: 'GET', representation: 'indexed', index: 2, encodedBytes: 1 })
  })

  test('C.3 three requests without Huffman on one decoder: the table grows to 57, 110, 164 bytes', () => {
    const [first, second, third] = decodesInTurn(
      [
        '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        '8286 84be 5808 6e6f 2d63 6163 6865',
        '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65'
      ],
      requests
    )
    assert.equal(first?.[3]?.representation, 'literal-incremental')
    assert.equal(first?.[3]?.index, 1, ':authority named by static index 1')
    assert.deepEqual(second?.[3], {
      name: ':authority',
      value: 'www.example.com',
      representation: 'indexed',
      index: 62,
      encodedBytes: 1
    })
    assert.equal(third?.[3]?.index, 63, 'one entry newer, one index further')
    assert.ok(first?.every((field) => !field.huffman))
  })

  test('C.4 the same requests with Huffman-coded literals', () => {
    const [first, , third] = decodesInTurn(
      [
        '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
        '8286 84be 5886 a8eb 1064 9cbf',
        '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf'
      ],
      requests
    )
    assert.equal(first?.[3]?.huffman, true)
    assert.equal(first?.[3]?.encodedBytes, 14, 'www.example.com: 15 octets in 12 Huffman bytes + 2')
    assert.deepEqual([third?.[4]?.nameHuffman, third?.[4]?.huffman], [true, true])
  })

  test('C.5 three responses without Huffman in a 256-byte table: eviction', () => {
    decodesInTurn(
      [
        '4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
        '4803 3330 37c1 c0bf',
        '88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31'
      ],
      responses,
      256
    )
  })

  test('C.6 the same responses with Huffman-coded literals', () => {
    decodesInTurn(
      [
        '4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3',
        '4883 640e ffc1 c0bf',
        '88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07'
      ],
      responses,
      256
    )
  })
})

function throwsHpack(reason: HpackErrorReason, block: Buffer, decoder = new HpackDecoder()): HpackError {
  let thrown: unknown
  try {
    decoder.decode(block)
  } catch (error) {
    thrown = error
  }
  assert.ok(thrown instanceof HpackError, `expected an HpackError (${reason}), got ${String(thrown)}`)
  assert.equal(thrown.reason, reason, thrown.message)
  assert.equal(thrown.http2ErrorCode, 0x9, 'COMPRESSION_ERROR: the whole connection fails')
  return thrown
}

describe('HPACK decoder: hostile and malformed blocks end in an HpackError', () => {
  test('an integer cut off inside its continuation bytes', () => {
    throwsHpack('truncated', hex('ff 80'))
    throwsHpack('truncated', hex('7f'))
  })

  test('an integer too large for any index, length or table size', () => {
    const error = throwsHpack('integer-too-long', hex('ff ff ff ff ff 0f'))
    assert.match(error.message, /at byte 0/)
    // Zero continuation bytes add nothing but could go on forever: at most five are read.
    throwsHpack('integer-too-long', hex(`82 ff ${'80'.repeat(1000)} 00`))
  })

  test('index 0', () => {
    throwsHpack('index-zero', hex('80'))
  })

  test('an index past the static and dynamic tables', () => {
    const error = throwsHpack('index-unknown', hex('82 be'))
    assert.equal(error.offset, 1)
    assert.match(error.message, /index 62 is past the tables' 61 static and 0 dynamic entries/)
    throwsHpack('index-unknown', hex('7f 03 01 61'))
  })

  test('a string literal longer than what is left of the block', () => {
    throwsHpack('truncated', hex('400a 6375 7374'))
    throwsHpack('truncated', hex('04'))
  })

  test('Huffman padding that is not all ones, or longer than 7 bits', () => {
    // 'a' is 00011 (5 bits): 3 bits of padding, 000 instead of 111.
    throwsHpack('huffman-padding-not-eos', hex('0481 18'))
    // 'a' then 11 bits of ones: a whole byte of padding.
    throwsHpack('huffman-padding-too-long', hex('0482 1fff'))
  })

  test('a dynamic table size update above SETTINGS_HEADER_TABLE_SIZE', () => {
    // 001 11111, then 4097 − 31 = 4066 in 7-bit groups, low first: e2 1f.
    throwsHpack('table-size-above-max', hex('3fe2 1f'))
    assert.deepEqual(new HpackDecoder().decodeBlock(hex('3fe1 1f')), {
      fields: [],
      tableSizeUpdates: [{ size: 4096, encodedBytes: 3 }]
    } satisfies ReturnType<HpackDecoder['decodeBlock']>)
  })

  test('a dynamic table size update after the first field', () => {
    throwsHpack('table-size-update-late', hex('82 20'))
  })

  test('a decoder that failed once refuses every later block: its table no longer matches', () => {
    const decoder = new HpackDecoder()
    throwsHpack('index-zero', hex('80'), decoder)
    throwsHpack('decoder-failed-before', hex('82'), decoder)
  })

  test('a megabyte of random bytes ends in an HpackError or fields, never anything else', () => {
    let seed = 7
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed & 0xff
    }
    for (let round = 0; round < 256; round++) {
      const block = Buffer.from(Array.from({ length: 4096 }, random))
      try {
        new HpackDecoder().decode(block)
      } catch (error) {
        assert.ok(error instanceof HpackError, String(error))
      }
    }
  })
})

describe('HPACK decoder: the dynamic table size', () => {
  test('a size update shrinks the table, evicting the oldest entries', () => {
    const decoder = new HpackDecoder()
    decoder.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))
    decoder.decode(hex('8286 84be 5808 6e6f 2d63 6163 6865'))
    const { tableSizeUpdates, fields } = decoder.decodeBlock(hex('3f22 be')) // 31 + 34 = 65 bytes, then index 62
    assert.deepEqual(tableSizeUpdates, [{ size: 65, encodedBytes: 2 }])
    assert.deepEqual(pairs(fields), [['cache-control', 'no-cache']])
    assert.equal(decoder.tableCapacity, 65)
    assert.equal(decoder.tableSize, 53)
  })

  test('an entry larger than the whole table empties it and is not added (§4.4)', () => {
    const decoder = new HpackDecoder({ maxTableSize: 40 })
    decoder.decode(hex('4001 6101 62')) // a: b, 34 bytes
    assert.equal(decoder.tableSize, 34)
    decoder.decode(hex('4001 6108 6262 6262 6262 6262')) // a: bbbbbbbb, 41 bytes
    assert.deepEqual(decoder.table, [])
  })

  test('lowering SETTINGS_HEADER_TABLE_SIZE requires the next block to open with a size update (§4.2)', () => {
    const decoder = new HpackDecoder()
    decoder.decode(hex('8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d'))
    decoder.maxTableSize = 0
    assert.deepEqual(decoder.table, [], 'the table shrinks at once')
    assert.deepEqual(decoder.decodeBlock(hex('20 82')).tableSizeUpdates, [{ size: 0, encodedBytes: 1 }])

    const strict = new HpackDecoder()
    strict.maxTableSize = 100
    throwsHpack('table-size-update-missing', hex('82'), strict)
  })

  test('raising it changes nothing until the encoder chooses a bigger table', () => {
    const decoder = new HpackDecoder()
    decoder.maxTableSize = 65536
    assert.equal(decoder.tableCapacity, 4096)
    decoder.decode(hex('3fe1 ff03'))
    assert.equal(decoder.tableCapacity, 65536)
  })
})

describe('header sizes beside the HEADERS frame', () => {
  const fields = [
    { name: ':method', value: 'GET' },
    { name: 'accept', value: '*/*' }
  ]

  test('headerListSize counts the HTTP/1.1 header lines, without the pseudo-header fields', () => {
    assert.equal(headerListSize(fields), 'accept: */*\r\n'.length)
  })

  test('http2HeaderListSize counts name + value + 32 per field (RFC 9113 §6.5.2)', () => {
    assert.equal(http2HeaderListSize(fields), 7 + 3 + 32 + 6 + 3 + 32)
  })
})
