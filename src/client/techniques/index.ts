import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import type { CreateClient } from '../technique-client.ts'

/** What every technique's browser client file, `./<name>.ts`, exports. */
interface ClientModule {
  create: CreateClient
}

/**
 * Every technique's browser client, found by its name: the file `./<name>.ts` beside this one.
 * A new technique is declared in src/shared/techniques.ts and needs no line here. (esbuild
 * bundles every file this import pattern can match, so nothing is fetched at run time.)
 */
export const techniqueClients = Object.fromEntries(
  await Promise.all(
    techniqueNames.map(async (name) => [name, ((await import(`./${name}.ts`)) as ClientModule).create] as const)
  )
) as Record<TechniqueName, CreateClient>
