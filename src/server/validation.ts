import { Ajv } from 'ajv'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'

/**
 * How request schemas are checked. Query strings and headers arrive as text, so
 * they are coerced ("42" → 42). JSON bodies keep their types: `{"text": 5}` is
 * refused rather than turned into "5". Nowhere are unknown properties silently
 * dropped: a schema that forbids them refuses them.
 */
const validation: FastifyPluginAsync = async (app) => {
  const shared = { useDefaults: true, removeAdditional: false, allErrors: false } as const
  const textParts = new Ajv({ ...shared, coerceTypes: 'array' })
  const jsonBodies = new Ajv({ ...shared, coerceTypes: false })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? jsonBodies : textParts).compile(schema))
}

export default fp(validation, { name: 'validation' })
