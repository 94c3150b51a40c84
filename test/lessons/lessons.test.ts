import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { lessonExampleServer } from '../../src/server/app.ts'
import { answerExchanges, exchangeTargets } from '../../src/server/lessons/exchange.ts'
import { parseLesson, readLessons } from '../../src/server/lessons/lesson-files.ts'
import { renderLesson } from '../../src/server/lessons/markdown.ts'
import { sourceExcerpt } from '../../src/server/lessons/source-excerpt.ts'
import { errorBody, startServer } from '../helper.ts'

const lessons = readLessons()

/** What Chromium sends when it navigates to a page. */
const browserAccept =
  'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'

describe('the lessons as written', () => {
  test('there are ten, in order, each with a title and summary', () => {
    assert.equal(lessons.length, 10)
    assert.deepEqual(
      lessons.map((lesson) => lesson.order),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    )
    for (const lesson of lessons) assert.ok(lesson.title && lesson.summary, lesson.slug)
  })

  for (const lesson of lessons)
    test(`"${lesson.slug}" has a live demo, one predict-then-observe, real server code and 2–3 questions`, async () => {
      const exchanges = await answerExchanges(exchangeTargets(lesson.markdown), lessonExampleServer)
      const rendered = renderLesson(lesson.markdown, lesson.slug, exchanges)
      assert.ok(rendered.demos.length >= 1, 'a demo')
      if (lesson.technique) assert.ok(rendered.demos.includes(lesson.technique), 'the demo of its own technique')
      const html = rendered.intro + rendered.sections.map((section) => section.html).join('')
      assert.equal(html.match(/<aside class="predict"/g)?.length, 1, 'one predict block')
      assert.ok(html.includes('<figure class="source">'), 'an excerpt of the server code')
      assert.ok(rendered.quizzes >= 2 && rendered.quizzes <= 3, `${rendered.quizzes} questions`)
      assert.equal(html.match(/data-correct/g)?.length, rendered.quizzes, 'one right answer per question')
    })

  test('together they cover what the course promises', () => {
    const text = lessons.map((lesson) => lesson.markdown).join('\n')
    for (const topic of [
      'SYN-ACK',
      'HTTP/1.0',
      'Connection: keep-alive',
      'persistent by default',
      'speak first',
      'RFC 6455',
      '2011',
      'full-duplex',
      'Upgrade: websocket',
      '101 Switching Protocols',
      'ws://',
      'wss://',
      'TLS',
      'Last-Event-ID',
      'retry:',
      'EventSource',
      'chat',
      'multiplayer',
      'progress bar',
      'HTTP/2',
      '6 connections',
      'proxies'
    ])
      assert.ok(text.toLowerCase().includes(topic.toLowerCase()), `covers "${topic}"`)
  })
})

describe('lesson Markdown', () => {
  test('escapes raw HTML instead of passing it through', () => {
    const { intro } = renderLesson('<script>alert(1)</script> <img src=x onerror=alert(1)>')
    assert.ok(!intro.includes('<script>') && !intro.includes('<img'))
    assert.ok(intro.includes('&lt;script&gt;'))
  })

  test('turns a quiz into radio buttons with the explanation hidden until checked', () => {
    const { sections, quizzes } = renderLesson('## Q\n\n::: quiz\nWhy?\n\n- [ ] no\n- [x] yes\n\nBecause.\n:::\n')
    const html = sections[0]?.html ?? ''
    assert.equal(quizzes, 1)
    assert.match(html, /<input type="radio" name="quiz-1" value="1"> no<span class="answer-mark"><\/span><\/label>/)
    assert.match(
      html,
      /<input type="radio" name="quiz-1" value="2" data-correct=""> yes<span class="answer-mark"><\/span><\/label>/
    )
    assert.match(html, /<div class="explanation" hidden>\n<p>Because.<\/p>/)
  })

  test('refuses a quiz without exactly one right answer, and a demo of an unknown technique', () => {
    assert.throws(() => renderLesson('::: quiz\nWhy?\n\n- [ ] no\n- [ ] nope\n:::\n'), /exactly one/)
    assert.throws(
      () => renderLesson('::: demo carrier-pigeon\n:::\n'),
      /carrier-pigeon — not a technique: one of refresh, ajax, /
    )
  })

  test('gives the six-connection demo a place the lesson page mounts it in, with what the block says above it', () => {
    const { sections } = renderLesson('## Six\n\n::: six-connections\nTry it.\n:::\n')
    const html = sections[0]?.html ?? ''
    assert.match(
      html,
      /<section class="six-connections" data-six-connections-slot [^>]*>\n<h3>Demo: open N event streams/
    )
    assert.match(html, /<p class="six-connections-no-script">[^<]+<\/p>\n<p>Try it\.<\/p>\n<\/section>/)
    assert.equal(sections.length, 1, 'the demo adds no section (slide) of its own')
  })

  test('refuses a lesson about an unknown technique, naming every known one', () => {
    const lesson = '---\ntitle: Pigeons\norder: 9\ntechnique: carrier-pigeon\n---\nCoo.\n'
    assert.throws(
      () => parseLesson('09-pigeons.md', lesson),
      /09-pigeons\.md: technique "carrier-pigeon" is not one of refresh, ajax, .*, iframe-stream$/
    )
  })

  test('quotes the server code by its text, exactly as the file has it', () => {
    const excerpt = sourceExcerpt('src/server/techniques/long-polling.ts', 'app.get<', 'app.addHook')
    const file = readFileSync(new URL('../../src/server/techniques/long-polling.ts', import.meta.url), 'utf8')
    const lines = file.split('\n')
    assert.equal(lines[excerpt.firstLine - 1]?.includes('app.get<'), true)
    assert.ok(file.includes(excerpt.code))
    assert.throws(() => sourceExcerpt('src/server/techniques/sse.ts', 'no such line anywhere'), /no line containing/)
    assert.throws(() => sourceExcerpt('package.json', '{'), /only quote files under src/)
  })
})

describe('lesson pages', () => {
  test('the index lists every lesson in order, each page has contents and previous/next', async (t) => {
    const { url } = await startServer(t)
    const index = await (await fetch(`${url}/lessons/`)).text()
    const linked = [...index.matchAll(/<a href="\/lessons\/([a-z0-9-]+)">/g)].map((match) => match[1])
    assert.deepEqual(
      linked,
      lessons.map((lesson) => lesson.slug)
    )
    for (const [i, lesson] of lessons.entries()) {
      const response = await fetch(`${url}/lessons/${lesson.slug}`)
      assert.equal(response.status, 200)
      const page = await response.text()
      assert.ok(page.includes('class="lesson-contents"'))
      assert.equal(page.includes('rel="prev"'), i > 0)
      assert.equal(page.includes('rel="next"'), i < lessons.length - 1)
      assert.ok(!/<script>(?!<\/script>)|\son[a-z]+=/.test(page), 'no inline script or handler')
    }
  })

  test('an unknown lesson is a 404 with a JSON reason; /lessons.json has every lesson with its sections', async (t) => {
    const { url } = await startServer(t)
    const missing = await fetch(`${url}/lessons/nope`)
    assert.equal(missing.status, 404)
    assert.equal((await errorBody(missing)).code, 'WW_ERR_UNKNOWN_LESSON')
    const { lessons: served } = (await (await fetch(`${url}/lessons.json`)).json()) as {
      lessons: { slug: string; sections: unknown[] }[]
    }
    assert.deepEqual(
      served.map((lesson) => lesson.slug),
      lessons.map((lesson) => lesson.slug)
    )
    for (const lesson of served) assert.ok(lesson.sections.length >= 3, lesson.slug)
  })

  test('an unknown lesson opened in a browser is a 404 page with every lesson, never echoing the slug', async (t) => {
    const { app } = await startServer(t)
    const slug = '%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3Enope'
    const response = await app.inject({ url: `/lessons/${slug}`, headers: { accept: browserAccept } })
    assert.equal(response.statusCode, 404)
    assert.equal(response.headers['content-type'], 'text/html; charset=utf-8')
    assert.match(String(response.headers['content-security-policy']), /script-src 'self'/)
    const page = response.body
    assert.match(page, /<a href="\/lessons\/" aria-current="page">Lessons<\/a>/, 'in the site layout')
    assert.match(page, /<h1>There is no lesson at this address<\/h1>/)
    for (const lesson of lessons) assert.ok(page.includes(`<a href="/lessons/${lesson.slug}">`), lesson.slug)
    assert.ok(!page.includes('<img') && !page.includes('onerror') && !page.includes('nope'), 'the slug is not echoed')
  })

  test('an unknown lesson asked for as JSON, or with no Accept, keeps the JSON reason', async (t) => {
    const { app } = await startServer(t)
    for (const accept of ['application/json', '*/*', undefined, 'application/json, text/html']) {
      const response = await app.inject({ url: '/lessons/nope', headers: accept ? { accept } : {} })
      assert.equal(response.statusCode, 404, String(accept))
      assert.match(String(response.headers['content-type']), /^application\/json/, String(accept))
      assert.equal(response.json().code, 'WW_ERR_UNKNOWN_LESSON', String(accept))
    }
  })
})
