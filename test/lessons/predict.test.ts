import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { lessonExampleServer } from '../../src/server/app.ts'
import { answerExchanges, exchangeTargets } from '../../src/server/lessons/exchange.ts'
import { readLessons } from '../../src/server/lessons/lesson-files.ts'
import { renderLesson } from '../../src/server/lessons/markdown.ts'
import { questionPath } from '../../src/shared/prediction.ts'
import { startServer } from '../helper.ts'

const htmlOf = (rendered: ReturnType<typeof renderLesson>) =>
  rendered.intro + rendered.sections.map((section) => section.html).join('')

describe('::: predict in a lesson', () => {
  test('a number question renders its form with the unit, and is listed with a plain-text prompt', () => {
    const rendered = renderLesson(
      '## Try\n\n::: predict number ms measure=polling/latency-p50\nWhat **latency p50** will `polling` show?\n:::\n\n::: demo polling\n:::\n',
      'polling'
    )
    const html = htmlOf(rendered)
    assert.match(
      html,
      /<aside class="predict" data-predict="polling\/1" data-kind="number" data-unit="ms" data-measure="polling\/latency-p50"/
    )
    assert.match(
      html,
      /<label for="predict-1-value">Your prediction, in ms<\/label> <input id="predict-1-value" name="value" type="text" inputmode="decimal"/
    )
    assert.match(
      html,
      /<button type="submit">Commit my prediction<\/button> <button type="button" name="skip">Skip<\/button>/
    )
    assert.match(
      html,
      /<div class="demo" data-technique="polling" data-predict="polling\/1"><\/div>/,
      'the demo waits for it'
    )
    assert.deepEqual(rendered.predictions, [
      {
        id: 'polling/1',
        prompt: 'What latency p50 will polling show?',
        kind: 'number',
        unit: 'ms',
        measure: { technique: 'polling', figure: 'latency-p50' }
      }
    ])
  })

  test('a choice question turns its list into radio buttons; [x] names the right one, and is optional', () => {
    const rendered = renderLesson(
      '::: predict choice\nLost?\n\n- [ ] yes, *one*\n- [x] no\n:::\n\n::: predict choice\nOr?\n\n- [ ] a\n- [ ] b\n:::\n',
      'sse'
    )
    const html = htmlOf(rendered)
    assert.match(
      html,
      /<label class="predict-choice"><input type="radio" name="predict-1" value="0"> yes, <em>one<\/em><\/label>/
    )
    assert.match(html, /<label class="predict-choice"><input type="radio" name="predict-1" value="1"> no<\/label>/)
    assert.match(html, /<fieldset class="predict-choices">\n<legend>Your prediction<\/legend>/)
    assert.deepEqual(rendered.predictions, [
      { id: 'sse/1', prompt: 'Lost?', kind: 'choice', choices: ['yes, one', 'no'], right: 1 },
      { id: 'sse/2', prompt: 'Or?', kind: 'choice', choices: ['a', 'b'] }
    ])
  })

  test('each question has an id on its lesson page, and questionPath points at it', () => {
    const html = htmlOf(
      renderLesson('::: predict number ms\nQ?\n:::\n\n::: predict choice\nOr?\n\n- [ ] a\n- [ ] b\n:::\n', 'sse')
    )
    assert.match(html, /<aside class="predict" data-predict="sse\/1"[^>]* id="predict-1"/)
    assert.match(html, /<aside class="predict" data-predict="sse\/2"[^>]* id="predict-2"/)
    assert.equal(questionPath('sse/2'), '/lessons/sse#predict-2')
    assert.equal(questionPath('long-polling/1'), '/lessons/long-polling#predict-1')
  })

  test('escapes the question and choices like the rest of the lesson', () => {
    const html = htmlOf(
      renderLesson('::: predict choice\n<b>Q</b>?\n\n- [ ] <img src=x onerror=alert(1)>\n- [ ] b\n:::\n')
    )
    assert.ok(!html.includes('<img') && !html.includes('<b>'))
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'))
  })

  const refused: [string, string, RegExp][] = [
    ['no kind', '::: predict\nQ?\n:::\n', /expected ::: predict number <unit>/],
    ['an unknown kind', '::: predict slider\nQ?\n:::\n', /expected ::: predict number <unit>/],
    ['a number without its unit', '::: predict number\nQ?\n:::\n', /expected ::: predict number <unit>/],
    ['a unit with markup', '::: predict number <ms>\nQ?\n:::\n', /the unit "<ms>" must be/],
    [
      'an unknown technique',
      '::: predict number ms measure=pigeon/latency-p50\nQ?\n:::\n',
      /"pigeon" is not a technique/
    ],
    [
      'an unknown figure',
      '::: predict number ms measure=sse/latency-p99\nQ?\n:::\n',
      /"latency-p99" is not a live figure/
    ],
    [
      'a unit that is not the figure’s',
      '::: predict number s measure=sse/latency-p50\nQ?\n:::\n',
      /measured in ms, but the question asks in s/
    ],
    ['no question', '::: predict number ms\n:::\n', /has no question/],
    ['a choice without choices', '::: predict choice\nQ?\n:::\n', /at least two/],
    ['two right choices', '::: predict choice\nQ?\n\n- [x] a\n- [x] b\n:::\n', /at most one "- \[x\]"/],
    ['a choice without its box', '::: predict choice\nQ?\n\n- a\n- [ ] b\n:::\n', /does not start with \[ \] or \[x\]/]
  ]
  for (const [what, markdown, reason] of refused)
    test(`refuses ${what} when the lesson is built, with the reason`, () => {
      assert.throws(() => renderLesson(markdown), reason)
    })
})

describe('the lessons’ predictions', () => {
  const lessons = readLessons()
  for (const lesson of lessons)
    test(`"${lesson.slug}" asks one committed question, and the demo after it waits for it`, async () => {
      const exchanges = await answerExchanges(exchangeTargets(lesson.markdown), lessonExampleServer)
      const rendered = renderLesson(lesson.markdown, lesson.slug, exchanges)
      assert.equal(rendered.predictions.length, 1)
      const [question] = rendered.predictions
      assert.equal(question?.id, `${lesson.slug}/1`)
      assert.ok((question?.prompt.length ?? 0) > 20, 'a real question')
      assert.ok(!/[*`<>]/.test(question?.prompt ?? ''), `plain text: ${question?.prompt}`)
      assert.match(
        htmlOf(rendered),
        new RegExp(
          `<div class="demo" data-technique="[a-z-]+" data-predict="${lesson.slug}/1">|<section class="six-connections" data-six-connections-slot data-predict="${lesson.slug}/1"`
        )
      )
    })

  test('the server lists each lesson’s questions for the routes, in /lessons.json too', async (t) => {
    const { app, url } = await startServer(t)
    const ids = app.lessons.flatMap((lesson) => (lesson.predictions ?? []).map((question) => question.id))
    assert.deepEqual(
      ids,
      lessons.map((lesson) => `${lesson.slug}/1`)
    )
    const served = (await (await fetch(`${url}/lessons.json`)).json()) as { lessons: { predictions: unknown[] }[] }
    assert.ok(served.lessons.every((lesson) => lesson.predictions.length === 1))
  })

  test('every question’s address opens its lesson page at the question', async (t) => {
    const { app, url } = await startServer(t)
    for (const question of app.lessons.flatMap((lesson) => lesson.predictions ?? [])) {
      const [path = '', anchor = ''] = questionPath(question.id).split('#')
      const response = await fetch(`${url}${path}`)
      assert.equal(response.status, 200, path)
      const html = await response.text()
      assert.match(html, new RegExp(`<aside class="predict" data-predict="${question.id}"[^>]* id="${anchor}"`))
    }
  })
})
