import { type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import type { ClientModule } from './transport.ts'

/**
 * Every technique's browser client, found by its name: the file `./<name>.ts` beside this one,
 * which exports `create` (the headless transport) and `controls` (its view). A new technique is
 * declared in src/shared/techniques.ts and needs no line here. (esbuild bundles every file this
 * import pattern can match, so nothing is fetched at run time.)
 */
export const techniqueClients = Object.fromEntries(
  await Promise.all(techniqueNames.map(async (name) => [name, (await import(`./${name}.ts`)) as ClientModule] as const))
) as Record<TechniqueName, ClientModule>
