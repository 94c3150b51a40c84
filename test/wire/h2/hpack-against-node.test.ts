import assert from 'node:assert/strict'
import http2 from 'node:http2'
import net, { type AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import { type DecodedField, HpackDecoder } from '../../../src/server/wire/h2/hpack.ts'

// Node's HTTP/2 (nghttp2) is the independent encoder and decoder: a proxy between a node:http2
// client and server keeps the bytes of both directions; our decoders must read from the HEADERS
// frames exactly the header lists Node's own peer parsed.

const clientPreface = 24 // 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'
const frameTypes = { headers: 0x1, continuation: 0x9 } as const
const flags = { endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const

/** The header blocks of one direction, in order (HEADERS fragments joined with their CONTINUATIONs). */
function headerBlocks(bytes: Buffer, skip: number): Buffer[] {
  const blocks: Buffer[] = []
  let fragments: Buffer[] = []
  for (let at = skip; at + 9 <= bytes.length; ) {
    const length = bytes.readUIntBE(at, 3)
    const type = bytes[at + 3]
    const flagBits = bytes[at + 4] as number
    let payload = bytes.subarray(at + 9, at + 9 + length)
    at += 9 + length
    if (type !== frameTypes.headers && type !== frameTypes.continuation) continue
    if (type === frameTypes.headers) {
      const padding = flagBits & flags.padded ? (payload[0] as number) : 0
      if (flagBits & flags.padded) payload = payload.subarray(1)
      if (flagBits & flags.priority) payload = payload.subarray(5)
      payload = payload.subarray(0, payload.length - padding)
    }
    fragments.push(payload)
    if (flagBits & flags.endHeaders) {
      blocks.push(Buffer.concat(fragments))
      fragments = []
    }
  }
  return blocks
}

const pairsOf = (raw: string[]) => raw.flatMap((_, i) => (i % 2 ? [] : [[raw[i], raw[i + 1]]]))
const pairs = (fields: DecodedField[]) => fields.map(({ name, value }) => [name, value])

/** A node:http2 server, a client on one connection through a proxy that keeps every byte each way. */
async function connectionOnTheWire(t: test.TestContext) {
  const server = http2.createServer()
  const serverSaw: string[][] = []
  // Node passes the raw header list (in wire order) after the flags; @types/node leaves it out.
  server.on('stream', (stream: http2.ServerHttp2Stream, _headers: unknown, _flags: number, rawHeaders: string[]) => {
    serverSaw.push(rawHeaders)
    stream.respond({ ':status': 200, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
    stream.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))

  const toServer: Buffer[] = []
  const toClient: Buffer[] = []
  const sockets = new Set<net.Socket>()
  const proxy = net.createServer((fromClient) => {
    const upstream = net.connect((server.address() as AddressInfo).port, '127.0.0.1')
    for (const socket of [fromClient, upstream]) {
      sockets.add(socket)
      socket.on('error', () => socket.destroy())
    }
    fromClient.on('data', (chunk: Buffer) => {
      toServer.push(chunk)
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => {
      toClient.push(chunk)
      fromClient.write(chunk)
    })
    fromClient.on('close', () => upstream.destroy())
    upstream.on('close', () => fromClient.destroy())
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))

  const session = http2.connect(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
  session.on('error', () => {})
  t.after(async () => {
    session.destroy()
    for (const socket of sockets) socket.destroy()
    await Promise.all([new Promise((resolve) => proxy.close(resolve)), new Promise((resolve) => server.close(resolve))])
  })

  const clientSaw: string[][] = []
  /** One request on the shared connection, answered in full. */
  const get = (headers: http2.OutgoingHttpHeaders) =>
    new Promise<void>((resolve, reject) => {
      const request = session.request(headers)
      request.on('response', (_headers: unknown, _flags: number, rawHeaders: string[]) => clientSaw.push(rawHeaders))
      request.on('error', reject)
      request.on('end', resolve)
      request.resume()
    })

  return {
    get,
    serverSaw,
    clientSaw,
    requestBlocks: () => headerBlocks(Buffer.concat(toServer), clientPreface),
    responseBlocks: () => headerBlocks(Buffer.concat(toClient), 0)
  }
}

const browserHeaders = {
  'user-agent':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chromium/131.0.0.0 Safari/537.36',
  accept: '*/*',
  'accept-language': 'en-GB,en;q=0.9',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'sec-fetch-dest': 'empty',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-origin',
  referer: 'http://127.0.0.1/',
  priority: 'u=1, i'
}

// Every octet Node lets into a header value (tab, visible ASCII, 0x80–0xff), each between six 'e'
// and six more (5 bits each) so that even a 28-bit code leaves Huffman shorter than the raw octets:
// nghttp2 then Huffman-codes the value, and our table has to agree with nghttp2's on that octet's
// code. In the middle, as nghttp2 drops a field whose value starts or ends in a tab or space.
const valueOctets = [
  0x09,
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i),
  ...Array.from({ length: 128 }, (_, i) => 0x80 + i)
]

describe('HPACK decoder against Node: the header blocks of a real node:http2 connection', () => {
  test('decodes each request to the header list Node parsed, the second one mostly indexed', async (t) => {
    const wire = await connectionOnTheWire(t)
    await wire.get({ ':path': '/feed/polling?after=0', ...browserHeaders })
    await wire.get({ ':path': '/feed/polling?after=1', ...browserHeaders })
    await wire.get({
      ':path': '/feed/polling?after=2',
      ...browserHeaders,
      authorization: 'Bearer 0123456789',
      'x-big': 'y'.repeat(5000), // bigger than the whole 4096-byte table
      [http2.sensitiveHeaders]: ['authorization']
    })

    const decoder = new HpackDecoder()
    const decoded = wire.requestBlocks().map((block) => ({ block, fields: decoder.decode(block) }))
    assert.equal(decoded.length, 3)
    for (const [i, { fields }] of decoded.entries()) {
      assert.deepEqual(pairs(fields), pairsOf(wire.serverSaw[i] ?? []), `request ${i + 1}`)
    }

    const [first, second, third] = decoded as [(typeof decoded)[0], (typeof decoded)[0], (typeof decoded)[0]]
    const added = first.fields.filter((field) => field.representation === 'literal-incremental')
    assert.ok(added.length >= 8, `the first request teaches the table its headers (${added.length} added)`)
    for (const field of second.fields.filter(({ name }) => added.some((entry) => entry.name === name))) {
      assert.equal(field.representation, 'indexed', `${field.name} is one index the second time`)
      assert.equal(field.encodedBytes, 1)
    }
    assert.ok(
      second.block.length * 4 < first.block.length,
      `second HEADERS ${second.block.length} B against the first's ${first.block.length} B`
    )
    assert.equal(
      third.fields.find(({ name }) => name === 'authorization')?.representation,
      'literal-never-indexed',
      'a header marked sensitive is never indexed'
    )
  })

  test('decodes each response to the header list the client parsed', async (t) => {
    const wire = await connectionOnTheWire(t)
    for (let i = 0; i < 3; i++) await wire.get({ ':path': `/feed/ajax?n=${i}` })
    const decoder = new HpackDecoder()
    const blocks = wire.responseBlocks()
    assert.equal(blocks.length, 3)
    blocks.forEach((block, i) => {
      const fields = decoder.decode(block)
      assert.deepEqual(pairs(fields), pairsOf(wire.clientSaw[i] ?? []), `response ${i + 1}`)
    })
  })

  test('decodes every octet Node allows in a header value as nghttp2 Huffman-coded it', async (t) => {
    const wire = await connectionOnTheWire(t)
    const perRequest = 56 // under Node's default of 128 header pairs per request
    for (let from = 0; from < valueOctets.length; from += perRequest) {
      const headers: http2.OutgoingHttpHeaders = { ':path': `/octets?from=${from}` }
      for (const octet of valueOctets.slice(from, from + perRequest)) {
        headers[`x-octet-${octet.toString(16)}`] = `eeeeee${String.fromCharCode(octet)}eeeeee`
      }
      await wire.get(headers)
    }

    const decoder = new HpackDecoder()
    const seen = new Set<number>()
    wire.requestBlocks().forEach((block, i) => {
      const fields = decoder.decode(block)
      assert.deepEqual(pairs(fields), pairsOf(wire.serverSaw[i] ?? []), `request ${i + 1}`)
      for (const field of fields.filter(({ name }) => name.startsWith('x-octet-'))) {
        const octet = Number.parseInt(field.name.slice('x-octet-'.length), 16)
        assert.equal(field.huffman, true, `octet 0x${octet.toString(16)} was Huffman-coded`)
        assert.equal(field.value, `eeeeee${String.fromCharCode(octet)}eeeeee`, `octet 0x${octet.toString(16)}`)
        seen.add(octet)
      }
    })
    assert.equal(seen.size, valueOctets.length)
  })
})
