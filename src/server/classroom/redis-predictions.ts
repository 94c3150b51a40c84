import {
  type PredictionPhase,
  type PredictionState,
  type PredictQuestion,
  predictionLimits,
  type SlidePlace
} from '../../shared/prediction.ts'
import { RoomStoreUnavailable } from '../errors.ts'
import { type AnswerRefusal, answersQuestion, type PredictionBook, predictionStateOf } from './predictions.ts'
import type { RoomRedis } from './shared-value.ts'

// KEYS: the question (a hash), the answers (a hash: page → "<sends> <value>").
// ARGV: id, question (JSON), phase, on (JSON), measured ('' for none).
// Another question than the stored one starts with no answers, as in memory.
const SET_SCRIPT = `
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], 'measured')
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'question', ARGV[2], 'phase', ARGV[3], 'on', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'measured', ARGV[5]) end
return 1
`

// KEYS: as above. ARGV: id, page, value, answersMax, changesMax. The same checks, in the same order,
// as PredictionStore.answer (the value's was made before), in one step: two instances taking one
// page's answers at once count its changes right, and the room's last place is given once.
const ANSWER_SCRIPT = `
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'phase') ~= 'open' then
  return 'not-open'
end
local before = redis.call('HGET', KEYS[2], ARGV[2])
local sends = 0
if before then
  sends = tonumber(string.match(before, '^%d+'))
elseif redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return 'full'
end
if before and sends > tonumber(ARGV[5]) then return 'too-many-changes' end
redis.call('HSET', KEYS[2], ARGV[2], (sends + 1) .. ' ' .. ARGV[3])
return 'ok'
`

/**
 * The room's question and its answers in Redis, for instances sharing one room: the same rules as
 * `PredictionStore` (one answer per page, `answersMax` pages, `changesMax` changes), held in
 * Redis so that every instance counts every page. Rejects with `RoomStoreUnavailable` while Redis is away.
 */
export class RedisPredictionStore implements PredictionBook {
  readonly keys = { question: '{wirewatch:room}:prediction', answers: '{wirewatch:room}:prediction:answers' }
  #redis: RoomRedis

  constructor(redis: RoomRedis) {
    this.#redis = redis
  }

  async set(question: PredictQuestion, phase: PredictionPhase, on: SlidePlace, measured?: number): Promise<void> {
    const place = { lesson: on.lesson, section: on.section, slide: on.slide }
    const kept = measured !== undefined && question.kind === 'number' ? String(measured) : ''
    await this.#call(() =>
      this.#redis.eval(SET_SCRIPT, {
        keys: [this.keys.question, this.keys.answers],
        arguments: [question.id, JSON.stringify(question), phase, JSON.stringify(place), kept]
      })
    )
  }

  async clear(): Promise<void> {
    await this.#call(() => this.#redis.del([this.keys.question, this.keys.answers]))
  }

  async answer(page: string, questionId: string, value: number): Promise<AnswerRefusal | undefined> {
    const [id, phase, stored] = await this.#call(() =>
      this.#redis.hmGet(this.keys.question, ['id', 'phase', 'question'])
    )
    if (id !== questionId || phase !== 'open' || !stored) return 'not-open'
    if (!answersQuestion(JSON.parse(stored) as PredictQuestion, value)) return 'bad-value'
    const reply = await this.#call(() =>
      this.#redis.eval(ANSWER_SCRIPT, {
        keys: [this.keys.question, this.keys.answers],
        arguments: [
          questionId,
          page,
          String(value),
          String(predictionLimits.answersMax),
          String(predictionLimits.changesMax)
        ]
      })
    )
    return reply === 'ok' ? undefined : (String(reply) as AnswerRefusal)
  }

  async current(): Promise<PredictionState | null> {
    const [fields, answers] = await this.#call(() =>
      this.#redis.multi().hGetAll(this.keys.question).hVals(this.keys.answers).exec()
    )
    const { question, phase, on, measured } = fields as unknown as Record<string, string | undefined>
    if (!question || !phase || !on) return null
    const values = (answers as unknown as string[]).map((answer) => Number(answer.slice(answer.indexOf(' ') + 1)))
    return predictionStateOf(
      JSON.parse(question) as PredictQuestion,
      phase as PredictionPhase,
      JSON.parse(on) as SlidePlace,
      values.length,
      values,
      measured === undefined ? undefined : Number(measured)
    )
  }

  async #call<R>(command: () => Promise<R>): Promise<R> {
    // Refused at once rather than queued: a page waiting on a Redis that is away would hang.
    if (!this.#redis.isReady) throw new RoomStoreUnavailable()
    try {
      return await command()
    } catch (error) {
      throw Object.assign(new RoomStoreUnavailable(), { cause: error })
    }
  }
}
