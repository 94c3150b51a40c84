import type { FastifyPluginAsync } from 'fastify'
import { type ClassroomChange, classroomLimits, type StudentUrl } from '../../shared/classroom.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import { HostTooLong, UnknownLesson, UnknownSection } from '../errors.ts'
import { clientQuerySchema } from '../schemas.ts'
import { consolePage } from './console-page.ts'
import { presenterPage } from './presenter-page.ts'
import { firstLanAddress, qrCodeSvg, studentUrlFor } from './student-url.ts'

export interface ClassroomRoutesOptions {
  /** The address students type (the LAN one in a classroom); by default, the one this request came to. */
  studentUrl?: string
}

const clientQuery = clientQuerySchema

/**
 * The room's controls. Reading is open to every page (`GET /classroom`, the student URL and its
 * QR code, which never show a loopback address a phone cannot open); changing needs the presenter token: `PUT /classroom` (lesson, section, techniques,
 * announcement), `POST /classroom/cut` (cut the network for everyone), `GET /classroom/audience` (student
 * pages only), `PUT /classroom/presenter-page?client=<id>` (this page is the teacher's: not the audience).
 */
const classroomRoutes: FastifyPluginAsync<ClassroomRoutesOptions> = async (app, { studentUrl }) => {
  const studentUrlOf = (request: { protocol: string; host: string }): StudentUrl => {
    // A DNS name is at most 253 characters: a longer Host is no address a student could type (nor fits a QR code).
    if (!studentUrl && request.host.length > 253 + ':65535'.length) throw new HostTooLong()
    return studentUrlFor({
      configured: studentUrl,
      requestUrl: `${request.protocol}://${request.host}/`,
      bound: app.server.address(),
      scheme: request.protocol,
      lanAddress: firstLanAddress()
    })
  }

  // The projector (only the slide) and the teacher's console (a second window, or another device).
  const projectorHtml = presenterPage()
  const consoleHtml = consolePage()
  app.get('/presenter', (_request, reply) => reply.type('text/html; charset=utf-8').send(projectorHtml))
  app.get('/presenter/console', (_request, reply) => reply.type('text/html; charset=utf-8').send(consoleHtml))

  app.get('/classroom', { schema: { querystring: clientQuery } }, async () => app.classroom.state)

  app.put<{ Body: ClassroomChange }>(
    '/classroom',
    {
      onRequest: app.requirePresenter,
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          minProperties: 1,
          additionalProperties: false,
          properties: {
            lesson: { type: ['string', 'null'], pattern: '^[a-z0-9-]{1,64}$' },
            section: { type: 'string', pattern: '^[A-Za-z0-9_-]{0,128}$' },
            slide: { type: 'integer', minimum: 0, maximum: classroomLimits.slideMax },
            blank: { type: 'boolean' },
            techniques: { type: 'array', uniqueItems: true, items: { type: 'string', enum: techniqueNames } },
            announcement: { type: 'string', maxLength: classroomLimits.announcementMax }
          }
        }
      }
    },
    async (request) => {
      const { lesson, section } = request.body
      if (typeof lesson === 'string' && !app.lessons.some((known) => known.slug === lesson))
        throw new UnknownLesson(lesson)
      // '' is a lesson's title slide; any other section must be one of the lesson it lands in (none: no section).
      const landsIn = app.lessons.find(
        (known) => known.slug === (lesson === undefined ? app.classroom.state.lesson : lesson)
      )
      if (section && !landsIn?.sections.some((known) => known.id === section))
        throw new UnknownSection(landsIn?.slug ?? '(none)', section)
      return app.classroom.update(request.body)
    }
  )

  app.post<{ Body: { seconds: number } }>(
    '/classroom/cut',
    {
      onRequest: app.requirePresenter,
      schema: {
        querystring: clientQuery,
        body: {
          type: 'object',
          required: ['seconds'],
          additionalProperties: false,
          properties: { seconds: { type: 'integer', minimum: 0, maximum: classroomLimits.cutSecondsMax } }
        }
      }
    },
    async (request) => {
      const { seconds } = request.body
      // The network fails for everyone: every technique's connection is cut (no FIN, no close frame),
      // and until the time is up new ones are cut as they arrive. 0 ends a cut early.
      const state = app.classroom.cutNetworkUntil(seconds > 0 ? Date.now() + seconds * 1000 : 0)
      // Over HTTP/2 the connections carrying them are destroyed, the page's own streams with them.
      const dropped = seconds > 0 ? app.wire.cut(undefined, [...techniqueNames, 'messages'], 'connections') : 0
      return { ...state, dropped }
    }
  )

  app.get<{ Querystring: { client?: string } }>(
    '/classroom/audience',
    { onRequest: app.requirePresenter, schema: { querystring: clientQuery } },
    async (request) => app.audience.count(app.wire, request.query.client)
  )

  // A teacher's page says so once it starts (the projector, which may never send a control itself):
  // requirePresenter has marked it; nothing else to do.
  app.put(
    '/classroom/presenter-page',
    { onRequest: app.requirePresenter, schema: { querystring: { ...clientQuery, required: ['client'] } } },
    async (_request, reply) => reply.code(204).send()
  )

  app.get('/classroom/student-url', async (request) => studentUrlOf(request))

  app.get('/classroom/qr.svg', async (request, reply) => {
    const svg = await qrCodeSvg(studentUrlOf(request).url)
    return reply.type('image/svg+xml').header('cache-control', 'no-cache').send(svg)
  })
}

export default classroomRoutes
