import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { lessonExampleServer } from '../../src/server/app.ts'
import { answerExchanges, type Exchange, exchangeTargets } from '../../src/server/lessons/exchange.ts'
import { readLessons } from '../../src/server/lessons/lesson-files.ts'
import { renderLesson } from '../../src/server/lessons/markdown.ts'

const lessons = readLessons()

/** What a reader sees in each rendered `<figure class="… exchange">`: its caption, and its code with the markup taken off. */
function shownExchanges(html: string): { caption: string; text: string }[] {
  const figures = html.matchAll(
    /<figure class="source exchange">\n<figcaption>([\s\S]*?)<\/figcaption>\n<pre[^>]*><code[^>]*>([\s\S]*?)<\/code><\/pre>/g
  )
  return [...figures].map((match) => ({
    caption: match[1] ?? '',
    text: (match[2] ?? '')
      .replace(/<[^>]+>/g, '')
      .replaceAll('&quot;', '"')
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&')
  }))
}

/**
 * Reads a chunked body as shown (CRLF shown as a line break): each chunk's size in hexadecimal, its
 * bytes, a line break. Returns how many bytes of `shown` the chunks account for, so a size that does
 * not match its chunk leaves the rest unread.
 */
function chunkedBytes(shown: string): number {
  const bytes = Buffer.from(shown)
  let at = 0
  for (;;) {
    const sizeEnd = bytes.indexOf('\n', at)
    const size = sizeEnd < 0 ? Number.NaN : Number.parseInt(bytes.subarray(at, sizeEnd).toString(), 16)
    if (!Number.isInteger(size) || bytes[sizeEnd + 1 + size] !== 0x0a) return at
    at = sizeEnd + 1 + size + 1
  }
}

describe('the lessons’ HTTP exchanges', () => {
  test('every one is the server’s real answer, its content-length the byte length of the body shown', async () => {
    const targets = lessons.flatMap((lesson) => exchangeTargets(lesson.markdown))
    assert.ok(targets.includes('GET /feed/ajax?after=41'), 'lesson 2 shows the AJAX exchange')
    const exchanges = await answerExchanges(targets, lessonExampleServer)
    let shown = 0
    for (const lesson of lessons) {
      const { intro, sections } = renderLesson(lesson.markdown, lesson.slug, exchanges)
      for (const { caption, text } of shownExchanges(intro + sections.map((section) => section.html).join(''))) {
        shown++
        // The request, then the answer's head, then its body, each after a blank line.
        const [request, head, ...rest] = text.split('\n\n')
        const body = rest.join('\n\n')
        assert.match(request ?? '', /^GET \/\S* HTTP\/1\.1\nHost: \{\{host\}\}$/, lesson.slug)
        assert.match(head ?? '', /^HTTP\/1\.1 \d{3} /, lesson.slug)
        const length = /^content-length: (\d+)$/im.exec(head ?? '')?.[1]
        if (/never ends/.test(caption)) assert.equal(chunkedBytes(body), Buffer.byteLength(body), lesson.slug)
        else if (length === undefined) assert.equal(body, '', `${lesson.slug}: no content-length, no body`)
        else assert.equal(Buffer.byteLength(body), Number(length), `${lesson.slug}: ${head}`)
        // The caption counts the head as the socket wrote it: CRLF line ends, and the blank line that ends it.
        const headBytes = Buffer.byteLength(`${(head ?? '').replaceAll('\n', '\r\n')}\r\n\r\n`)
        const bodyBytes = Buffer.byteLength(body)
        assert.match(
          caption,
          new RegExp(`a head of ${headBytes} bytes .* ${bodyBytes ? `a body of ${bodyBytes}` : 'no body'}$`)
        )
      }
    }
    assert.equal(shown, targets.length, 'every ::: exchange block is rendered')
  })

  test('the AJAX example carries lesson 1’s event 42 in JSON', async () => {
    const exchanges = await answerExchanges(['GET /feed/ajax?after=41'], lessonExampleServer)
    const exchange = exchanges.get('GET /feed/ajax?after=41')
    assert.match(exchange?.head ?? '', /^HTTP\/1\.1 200 OK\r\ncontent-type: application\/json; charset=utf-8\r\n/)
    assert.equal(
      exchange?.body,
      '{"events":[{"id":42,"at":1718000000123,"kind":"tick","data":{"value":101.5}}],"latest":42}'
    )
  })

  test('a stream that never ends shows its head and its first chunks, each after its size', async () => {
    const target = 'GET /feed/sse?after=41'
    const exchange = (await answerExchanges([target], lessonExampleServer)).get(target)
    assert.equal(exchange?.streamed, true)
    assert.match(exchange?.head ?? '', /\r\ncontent-type: text\/event-stream; charset=utf-8\r\n/)
    assert.match(exchange?.body ?? '', /\r\nid: 42\ndata: \{"id":42,/)
    const { intro } = renderLesson(`::: exchange ${target}\n:::\n`, 'sse', new Map([[target, exchange as Exchange]]))
    const [shown] = shownExchanges(intro)
    const body = shown?.text.split('\n\n').slice(2).join('\n\n') ?? ''
    assert.equal(chunkedBytes(body), Buffer.byteLength(body))
    assert.match(shown?.caption ?? '', /the first \d+ bytes of a body that never ends/)
  })

  test('a block naming an exchange that was not asked, or not a GET of a path, stops the lesson', () => {
    assert.throws(() => renderLesson('::: exchange GET /feed/ajax\n:::\n'), /not asked of the server/)
    assert.throws(() => renderLesson('::: exchange POST /feed/messages\n:::\n'), /expected ::: exchange GET \/<path>/)
  })
})
