import type { TechniqueName } from '../../shared/techniques.ts'

/** One slide of a lesson: a page of one of its sections, as laid out on the 16:9 canvas. */
export interface DeckSlide {
  /** `<lesson>/<section>/<n>`, the `data-slide` of its canvas. */
  key: string
  lesson: string
  /** The section's id, '' for the lesson's title slide. */
  section: string
  /** 0-based page of the section, and how many it has. */
  slide: number
  of: number
  /** The section's title, with "2/3" when it spans several slides. */
  title: string
  /** Where it is, for its footer: "3. Interval polling · Empty polls 2/3". */
  where: string
  /** The slide's blocks, as HTML (the lesson's own, rendered on the server). */
  html: string
  /** The technique a demo slide runs live. */
  demo?: TechniqueName
  /** The section's `::: notes` for the teacher, as HTML (shown on every slide of it). */
  notes: string
  /** The section's `::: predict` questions (`data-predict` ids). */
  predicts: string[]
}
