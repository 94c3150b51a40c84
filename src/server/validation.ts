import { Ajv, type AnySchema, type SchemaValidateFunction, type ValidateFunction } from 'ajv'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { decimalIntegerKeyword, decimalIntegerPattern } from './schemas.ts'

const shared = { useDefaults: true, removeAdditional: false, allErrors: false } as const

/**
 * `decimalInteger: { minimum, maximum }` (see `queryInteger`): the text must be plain decimal digits
 * in range, and is replaced by its number, so a route reads `after` as a number while `1e3`,
 * `Infinity`, `0x1d`, `-0` or a blank never become one.
 */
const readDecimalInteger: SchemaValidateFunction = (range: { minimum: number; maximum: number }, text, _, place) => {
  const value = Number(text)
  const plain =
    typeof text === 'string' && text.length <= String(range.maximum).length && decimalIntegerPattern.test(text)
  if (!plain || value < range.minimum || value > range.maximum) {
    const message = `must be a decimal integer from ${range.minimum} to ${range.maximum} (digits only)`
    readDecimalInteger.errors = [{ keyword: decimalIntegerKeyword, message, params: range }]
    return false
  }
  if (place) (place.parentData as Record<string | number, unknown>)[place.parentDataProperty] = value
  return true
}

/** Query strings and headers: text. Coerced ("true" → true, one repeated key → its value) except numbers, read by `decimalInteger`. */
function textAjv(): Ajv {
  const ajv = new Ajv({ ...shared, coerceTypes: 'array' })
  ajv.addKeyword({
    keyword: decimalIntegerKeyword,
    type: 'string',
    schemaType: 'object',
    modifying: true,
    errors: true,
    validate: readDecimalInteger
  })
  return ajv
}

/** JSON bodies and WebSocket messages: they keep their types, so `{"text": 5}` is refused rather than made "5". */
const jsonAjv = new Ajv({ ...shared, coerceTypes: false })

/**
 * Compiles a message schema with exactly the rules a JSON body gets, for messages that arrive by
 * another way than a POST (the WebSocket): one schema, one verdict, whichever way it came.
 */
export function compileMessageSchema<T>(schema: AnySchema): ValidateFunction<T> {
  return jsonAjv.compile<T>(schema)
}

/**
 * How request schemas are checked. Query strings and headers arrive as text: numbers in them must
 * be plain decimal integers (`queryInteger`). JSON bodies keep their types. Nowhere are unknown
 * properties silently dropped: a schema that forbids them refuses them.
 */
const validation: FastifyPluginAsync = async (app) => {
  const textParts = textAjv()
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? jsonAjv : textParts).compile(schema))
}

export default fp(validation, { name: 'validation' })
