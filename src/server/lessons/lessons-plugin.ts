import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { Lesson } from '../../shared/lesson.ts'
import { prefersHtml } from '../accepts-html.ts'
import { UnknownLesson } from '../errors.ts'
import { notFoundPage } from '../not-found-page.ts'
import { answerExchanges, type ExampleServer, exchangeTargets } from './exchange.ts'
import { withServerAddress } from './lesson-address.ts'
import { readLessons } from './lesson-files.ts'
import { lessonIndexPage, lessonPage } from './lesson-pages.ts'
import { renderLesson } from './markdown.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The lessons, in order, rendered. */
    lessons: Lesson[]
  }
}

export interface LessonsOptions {
  /** Where the Markdown files are (default `lessons/` at the repository root). */
  lessonsDir?: string
  /** Serve no lessons: the server that answers the lessons' `::: exchange` examples has none of its own. */
  none?: boolean
  /** Builds the server whose real answers the `::: exchange` blocks show (app.ts: this app, on an example feed). */
  exampleServer?: ExampleServer
}

/**
 * The lessons, built once when the server starts: Markdown from `lessons/`, the excerpts of
 * server code they quote read from `src/` at that moment, the HTTP exchanges they show asked of
 * a real server built by `exampleServer`. A lesson that names code which is gone, or an exchange
 * the server cannot answer whole, stops the server from starting, with the reason, instead of
 * showing a stale excerpt.
 * `GET /lessons/` (index), `GET /lessons/<slug>` (a page; an unknown one is a 404 page for a browser, JSON
 * `WW_ERR_UNKNOWN_LESSON` otherwise), `GET /lessons.json` (everything, for the presenter).
 */
const lessonsPlugin: FastifyPluginAsync<LessonsOptions> = async (app, { lessonsDir, none, exampleServer }) => {
  const files = none ? [] : readLessons(lessonsDir)
  const targets = files.flatMap((file) => exchangeTargets(file.markdown))
  if (targets.length > 0 && !exampleServer) throw new Error('the lessons show HTTP exchanges: give an exampleServer')
  const exchanges = exampleServer ? await answerExchanges(targets, exampleServer) : new Map()
  const lessons: Lesson[] = files.map((file, i) => {
    try {
      const { intro, sections, predictions } = renderLesson(file.markdown, file.slug, exchanges)
      const { slug, title, technique, summary } = file
      return { slug, title, technique, summary, intro, sections, predictions, number: i + 1, of: files.length }
    } catch (error) {
      throw new Error(`lesson "${file.slug}": ${(error as Error).message}`)
    }
  })
  app.decorate('lessons', lessons)
  const pages = new Map(
    lessons.map((lesson, i) => [lesson.slug, lessonPage(lesson, lessons[i - 1], lessons[i + 1])] as const)
  )
  const index = lessonIndexPage(lessons)
  const htmlType = 'text/html; charset=utf-8'

  app.get('/lessons', (_request, reply) => reply.redirect('/lessons/', 301))
  app.get('/lessons/', (_request, reply) => reply.type(htmlType).send(index))
  const missing = notFoundPage({ heading: 'There is no lesson at this address', section: 'lessons', lessons })
  app.get<{ Params: { slug: string } }>('/lessons/:slug', (request, reply) => {
    const page = pages.get(request.params.slug)
    if (page) return reply.type(htmlType).send(withServerAddress(page, request))
    // A browser following a wrong link gets a page to go on from; a script keeps the JSON reason and its code.
    if (prefersHtml(request.headers.accept)) return reply.code(404).type(htmlType).send(missing)
    throw new UnknownLesson(request.params.slug)
  })
  app.get('/lessons.json', async (request, reply) =>
    reply.type('application/json; charset=utf-8').send(withServerAddress(JSON.stringify({ lessons }), request))
  )
}

export default fp(lessonsPlugin, { name: 'lessons' })
