import type { FastifyPluginAsync } from 'fastify'
import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import type { PushOptions } from './push-connection.ts'
import type { SseOptions } from './sse.ts'

/** Options handed to every technique plugin. */
export type TechniqueOptions = SseOptions & PushOptions

/** What every technique's server file, `./<name>.ts`, exports: its Fastify plugin. */
interface TechniqueModule {
  default: FastifyPluginAsync<TechniqueOptions>
}

/**
 * Every technique's server side, found by its name: the file `./<name>.ts` beside this one.
 * A new technique is declared in src/shared/techniques.ts and needs no line here.
 */
export const techniquePlugins = Object.fromEntries(
  await Promise.all(
    techniqueNames.map(async (name) => [name, ((await import(`./${name}.ts`)) as TechniqueModule).default] as const)
  )
) as Record<TechniqueName, FastifyPluginAsync<TechniqueOptions>>
