import { readFileSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: lessons quote files relative to it (`src/server/techniques/sse.ts`). */
export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** A stretch of a real source file, quoted in a lesson. */
export interface SourceExcerpt {
  path: string
  /** 1-based number of the excerpt's first line in the file. */
  firstLine: number
  code: string
}

/**
 * Reads the lines of `path` from the first one containing `start` up to, not including, the first
 * later one containing `end` (or to the end of the file). The lesson names the code by its text,
 * not by line numbers, so the excerpt follows the code when it changes, and fails loudly when the
 * text it names is gone.
 */
export function sourceExcerpt(path: string, start: string, end?: string): SourceExcerpt {
  const file = resolve(repositoryRoot, path)
  if (!file.startsWith(`${resolve(repositoryRoot, 'src')}${sep}`))
    throw new Error(`lessons may only quote files under src/, not "${path}"`)
  const lines = readFileSync(file, 'utf8').split('\n')
  const from = lines.findIndex((line) => line.includes(start))
  if (from < 0) throw new Error(`${path} has no line containing "${start}"`)
  let to = end === undefined ? lines.length : lines.findIndex((line, i) => i > from && line.includes(end))
  if (to < 0) throw new Error(`${path} has no line containing "${end}" after "${start}"`)
  while (to > from + 1 && lines[to - 1]?.trim() === '') to--
  return { path, firstLine: from + 1, code: lines.slice(from, to).join('\n') }
}
