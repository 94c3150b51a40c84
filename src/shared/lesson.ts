import type { PredictQuestion } from './prediction.ts'
import type { TechniqueName } from './techniques.ts'

/** One `##` section of a lesson: a part of its page, and one slide in presenter mode. */
export interface LessonSection {
  id: string
  title: string
  /** Rendered HTML (ours: the lessons' Markdown, with raw HTML escaped). */
  html: string
}

/** A lesson as `GET /lessons.json` gives it. */
export interface Lesson {
  slug: string
  title: string
  /** 1-based position, and how many lessons there are. */
  number: number
  of: number
  technique: TechniqueName | undefined
  summary: string
  /** What comes before the first section. */
  intro: string
  sections: LessonSection[]
  /** Its `::: predict` questions, in order: what the teacher can put to the room. */
  predictions?: PredictQuestion[]
}
