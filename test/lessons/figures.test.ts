import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { figureSvg, figures } from '../../src/server/lessons/figures/index.ts'
import { withServerAddress } from '../../src/server/lessons/lesson-address.ts'
import { renderLesson } from '../../src/server/lessons/markdown.ts'
import { bitsOfHex, frameHeaderFields, placedFields } from '../../src/shared/frame-layout.ts'
import { startServer } from '../helper.ts'
import { RawClient } from '../raw-http.ts'

/** Whether `svg` is well-formed XML as far as its tags go: every tag closed, in order. */
function tagsBalance(svg: string): boolean {
  const open: string[] = []
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)\b[^>]*?(\/?)>/g)) {
    if (selfClosing) continue
    if (!closing) open.push(name ?? '')
    else if (open.pop() !== name) return false
  }
  return open.length === 0
}

describe('the lessons’ figures', () => {
  for (const name of Object.keys(figures))
    test(`"${name}" is an SVG image with its title and description, named by aria-labelledby`, () => {
      const svg = figureSvg(name)
      assert.match(svg, /^<svg [^>]*role="img"/)
      assert.match(svg, /viewBox="0 0 \d+ \d+"/)
      assert.match(svg, new RegExp(`aria-labelledby="figure-${name}-title figure-${name}-desc"`))
      assert.match(svg, new RegExp(`<title id="figure-${name}-title">[^<]{10,}</title>`))
      assert.match(svg, new RegExp(`<desc id="figure-${name}-desc">[^<]{40,}</desc>`))
      assert.ok(tagsBalance(svg), 'every tag is closed')
      assert.ok((svg.match(/<text /g)?.length ?? 0) > 3, 'its words are text, not paths')
      assert.doesNotMatch(svg, /<image|href="http|style="/, 'no outside image and no inline style (the CSP forbids it)')
      assert.doesNotMatch(svg, /#[0-9a-fA-F]{3,6}\b/, 'no fixed colour: classes and currentColor only')
    })

  test('the frame header has the field widths of RFC 6455 section 5.2', () => {
    assert.deepEqual(
      frameHeaderFields.map((field) => field.bits),
      [1, 1, 1, 1, 4, 1, 7, '16/64', 32]
    )
    const svg = figureSvg('websocket-frame')
    const drawn = [...svg.matchAll(/data-field="([^"]+)" data-bits="([^"]*)"/g)].map(([, field, bits]) => [field, bits])
    assert.deepEqual(drawn, [
      ['FIN', '1'],
      ['RSV1', '1'],
      ['RSV2', '1'],
      ['RSV3', '1'],
      ['opcode', '4'],
      ['MASK', '1'],
      ['Payload len', '7'],
      ['Extended payload length', '16/64'],
      ['Masking-key', '32'],
      ['Payload data', '']
    ])
    for (let n = 0; n < 32; n++) assert.ok(svg.includes(`>${n % 10}</text>`), `bit number ${n} on top`)
  })

  test('a real frame places only the fields it has: an 88-byte server frame has 16 header bits', () => {
    assert.deepEqual(
      placedFields({ masked: false, lengthForm: 7 }, 16).map((f) => [f.name, f.start, f.bits]),
      [
        ['FIN', 0, 1],
        ['RSV1', 1, 1],
        ['RSV2', 2, 1],
        ['RSV3', 3, 1],
        ['opcode', 4, 4],
        ['MASK', 8, 1],
        ['Payload len', 9, 7],
        ['Payload data', 16, 16]
      ]
    )
    const masked = placedFields({ masked: true, lengthForm: 16 }, 0)
    assert.deepEqual(masked.slice(-2), [
      { name: 'Extended payload length', start: 16, bits: 16 },
      { name: 'Masking-key', start: 32, bits: 32 }
    ])
    // 0x81 0x58: FIN 1, RSV 000, opcode 0001 (text), MASK 0, length 1011000 (88).
    assert.deepEqual(bitsOfHex('8158'), [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0])
  })

  test('an unknown figure name stops the lesson from building', () => {
    assert.throws(() => renderLesson('::: figure no-such-figure\nA caption.\n:::\n'), /no-such-figure — no such figure/)
  })

  test('a figure block renders the SVG in a focusable scroll wrapper, its content as the caption', () => {
    const { intro } = renderLesson('::: figure tcp-handshake\nThe *handshake*.\n:::\n')
    assert.match(intro, /<figure class="lesson-figure" id="figure-tcp-handshake" data-figure="tcp-handshake">/)
    assert.match(intro, /<div class="figure-scroll" tabindex="0"[^>]*><svg /)
    assert.match(intro, /<figcaption>\n<p>The <em>handshake<\/em>.<\/p>\n<\/figcaption>\n<\/figure>/)
  })

  test('a table scrolls sideways in a focusable wrapper', () => {
    const { intro } = renderLesson('| a | b |\n| --- | --- |\n| 1 | 2 |\n')
    assert.match(intro, /^<div class="table-scroll" tabindex="0"[^>]*>\n<table>/)
    assert.match(intro, /<\/table>\n<\/div>\n$/)
  })
})

describe('addresses in the lessons', () => {
  const page = "new WebSocket('{{ws-origin}}/feed/websocket') Host: {{host}} Origin: {{http-origin}}"
  const socket = { localAddress: '192.168.1.20', localPort: 3000 }

  test('are the address the reader used, with ws:// or wss:// to match http or https', () => {
    assert.equal(
      withServerAddress(page, { host: '192.168.1.20:3000', protocol: 'http', socket }),
      "new WebSocket('ws://192.168.1.20:3000/feed/websocket') Host: 192.168.1.20:3000 Origin: http://192.168.1.20:3000"
    )
    assert.match(
      withServerAddress(page, { host: 'class.example:8443', protocol: 'https', socket }),
      /wss:\/\/class\.example:8443\/feed.*https:\/\/class/
    )
  })

  test('never carry markup from a Host header: the socket’s own address is used instead', () => {
    const shown = withServerAddress(page, { host: '"><script>x</script>', protocol: 'http', socket })
    assert.ok(!shown.includes('<script>'))
    assert.match(shown, /ws:\/\/192\.168\.1\.20:3000\//)
    assert.match(
      withServerAddress('{{host}}', {
        host: 'bad host',
        protocol: 'http',
        socket: { localAddress: '::1', localPort: 3000 }
      }),
      /^\[::1\]:3000$/
    )
  })
})

describe('the event-stream figure is what the server writes', () => {
  /** The lines the figure draws in monospace, in order, as plain text. */
  const drawnLines = () =>
    [
      ...figureSvg('event-stream').matchAll(/<text [^>]*font-family="ui-monospace, monospace"[^>]*>([^<]*)<\/text>/g)
    ].map(([, line]) => (line ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&'))

  test('its head has every header of a real /feed/sse response, in the order sent', async (t) => {
    const { app, port } = await startServer(t)
    app.feed.publish('tick', { value: 1 })
    const client = await RawClient.connect(port)
    t.after(() => client.close())
    client.send(client.get('/feed/sse'))
    const text = await client.waitForText((received) => received.includes('\r\n\r\n'))
    const [statusLine, ...headers] = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n')
    const drawn = drawnLines()
    const drawnHead = drawn.slice(0, drawn.indexOf('retry: 2000'))
    assert.equal(drawnHead[0], statusLine)
    assert.deepEqual(
      drawnHead.slice(1).map((line) => line.slice(0, line.indexOf(':'))),
      headers.map((line) => line.slice(0, line.indexOf(':')))
    )
    for (const header of headers.filter((line) => !line.startsWith('Date:')))
      assert.ok(drawnHead.includes(header), `the figure shows "${header}" as sent`)
  })

  test('it writes event: reset only at the start, before any event, as the server does', () => {
    const drawn = drawnLines()
    const reset = drawn.indexOf('event: reset')
    const firstId = drawn.findIndex((line) => line.startsWith('id: '))
    assert.ok(reset > drawn.indexOf('retry: 2000') && reset < firstId, 'after retry:, before the first event')
    assert.equal(drawn.filter((line) => line.startsWith('event:')).length, 1)
  })
})
