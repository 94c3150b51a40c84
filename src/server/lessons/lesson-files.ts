import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { isTechniqueName, type TechniqueName, techniqueNames } from '../../shared/techniques.ts'
import { repositoryRoot } from './source-excerpt.ts'

export const lessonsDir = join(repositoryRoot, 'lessons')

/** A lesson file as written: its front matter and its Markdown body. */
export interface LessonFile {
  /** From the file name without its order prefix: `04-long-polling.md` → `long-polling`. */
  slug: string
  title: string
  order: number
  technique: TechniqueName | undefined
  summary: string
  markdown: string
}

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/

/** Reads one lesson: YAML front matter (title, order, technique, summary) between `---` lines, then Markdown. */
export function parseLesson(fileName: string, text: string): LessonFile {
  const match = frontMatter.exec(text)
  if (!match) throw new Error(`${fileName}: starts with no front matter (--- title, order … ---)`)
  const meta = (parse(match[1] ?? '') ?? {}) as Record<string, unknown>
  const { title, order, technique, summary = '' } = meta
  if (typeof title !== 'string' || title === '') throw new Error(`${fileName}: front matter needs a title`)
  if (typeof order !== 'number') throw new Error(`${fileName}: front matter needs a numeric order`)
  if (technique !== undefined && (typeof technique !== 'string' || !isTechniqueName(technique)))
    throw new Error(`${fileName}: technique "${String(technique)}" is not one of ${techniqueNames.join(', ')}`)
  return {
    slug: fileName.replace(/\.md$/, '').replace(/^\d+-/, ''),
    title,
    order,
    technique,
    summary: String(summary),
    markdown: text.slice(match[0].length)
  }
}

/** Every lesson in `dir`, in their `order`. */
export function readLessons(dir = lessonsDir): LessonFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .map((name) => parseLesson(name, readFileSync(join(dir, name), 'utf8')))
    .sort((a, b) => a.order - b.order)
}
