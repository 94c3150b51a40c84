import type { FastifyPluginAsync } from 'fastify'
import { type PredictionPhase, type PredictQuestion, predictionLimits } from '../../shared/prediction.ts'
import { PredictionNotOpen, PredictionsFull, PredictionValueInvalid, RateLimited, UnknownQuestion } from '../errors.ts'
import { clientIdSchema, clientQuerySchema } from '../schemas.ts'

/** `<lesson slug>/<n>`, as `::: predict` numbers its questions. */
const questionIdSchema = { type: 'string', pattern: '^[a-z0-9-]{1,64}/[1-9][0-9]{0,2}$' } as const

/** While answers come in, pages hear the new count at most this often (a class answering at once is one message, not 30). */
const countEveryMs = 250

/**
 * The room's prediction: the teacher puts a lesson's `::: predict` question to the room
 * (`PUT /classroom/prediction`: open, closed, revealed; `DELETE` clears it and its answers); each
 * page answers it once, changing its answer at will while it is open
 * (`POST /classroom/prediction/answer?client=<page>`). Every page hears the state over `/wire/live`
 * as `classroom.prediction`: the count of answers, then the anonymous tally once revealed.
 */
const predictionRoutes: FastifyPluginAsync = async (app) => {
  const questions = new Map<string, PredictQuestion>(
    app.lessons.flatMap((lesson) => (lesson.predictions ?? []).map((question) => [question.id, question] as const))
  )
  // Asked on every request: instances sharing a room swap in the Redis one (see shared-room.ts).
  const store = () => app.classroom.predictions
  let countTimer: ReturnType<typeof setTimeout> | undefined
  const broadcast = async () => {
    clearTimeout(countTimer)
    countTimer = undefined
    const state = await store().current()
    app.classroom.setPrediction(state)
    return state
  }
  const broadcastCountSoon = () => {
    countTimer ??= setTimeout(() => {
      broadcast().catch((error: Error) => app.log.warn({ err: error }, 'the prediction count was not sent'))
    }, countEveryMs)
  }
  app.addHook('onClose', async () => clearTimeout(countTimer))

  app.put<{ Body: { question: string; phase: PredictionPhase; measured?: number } }>(
    '/classroom/prediction',
    {
      onRequest: app.requirePresenter,
      schema: {
        querystring: clientQuerySchema,
        body: {
          type: 'object',
          required: ['question', 'phase'],
          additionalProperties: false,
          properties: {
            question: questionIdSchema,
            phase: { type: 'string', enum: ['open', 'closed', 'revealed'] },
            measured: { type: 'number', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }
          }
        }
      }
    },
    async (request) => {
      const { question: id, phase, measured } = request.body
      const question = questions.get(id)
      if (!question) throw new UnknownQuestion(id)
      await store().set(question, phase, app.classroom.state, measured)
      return broadcast()
    }
  )

  app.delete(
    '/classroom/prediction',
    { onRequest: app.requirePresenter, schema: { querystring: clientQuerySchema } },
    async (_request, reply) => {
      await store().clear()
      await broadcast()
      return reply.code(204).send()
    }
  )

  app.post<{ Querystring: { client: string }; Body: { question: string; value: number } }>(
    '/classroom/prediction/answer',
    {
      onRequest: app.limitSends('answer'),
      schema: {
        querystring: { type: 'object', required: ['client'], properties: { client: clientIdSchema } },
        body: {
          type: 'object',
          required: ['question', 'value'],
          additionalProperties: false,
          properties: {
            question: questionIdSchema,
            value: { type: 'number', minimum: predictionLimits.valueMin, maximum: predictionLimits.valueMax }
          }
        }
      }
    },
    async (request, reply) => {
      const { question, value } = request.body
      const refusal = await store().answer(request.query.client, question, value)
      if (refusal === 'not-open') throw new PredictionNotOpen(question)
      if (refusal === 'bad-value') {
        // The open question: only an answer to it is checked for its value.
        const asked = questions.get(question)
        throw new PredictionValueInvalid(
          asked?.kind === 'choice'
            ? `a choice is its index, an integer from 0 to ${asked.choices.length - 1}`
            : `a number from ${predictionLimits.valueMin} to ${predictionLimits.valueMax}`
        )
      }
      if (refusal === 'too-many-changes')
        throw new RateLimited(
          `this page has changed its prediction ${predictionLimits.changesMax} times: the last one is kept`
        )
      if (refusal === 'full') throw new PredictionsFull(predictionLimits.answersMax)
      broadcastCountSoon()
      return reply.code(204).send()
    }
  )
}

export default predictionRoutes
