// Where and at what a bench run was made, for the head of RESULTS.md.
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import type { BenchRun } from './report.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The machine a run was made on, for RESULTS.md. */
export function machine(): BenchRun['machine'] {
  return {
    cpus: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${process.arch}`
  }
}

/** The commit a run was made at: its short hash, with `-dirty` when the tree had changes. */
export function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== ''
    return dirty ? `${hash}-dirty` : hash
  } catch {
    return 'unknown'
  }
}
