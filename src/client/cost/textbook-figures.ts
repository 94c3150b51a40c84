import { allTechniques, techniques } from '../../shared/techniques.ts'
import type { CostSettings } from './cost-model.ts'
import { requestsPerSecond } from './cost-model.ts'

// Figures from books and articles, NOT measured here: shown beside the measured estimate for
// contrast. Each technique declares its own (src/shared/techniques.ts), with its source.

/** The textbook's overhead for the same settings: a range of bytes per second, headers or framing only. */
export interface TextbookEstimate {
  min: number
  max: number
  /** How it was computed, in words. */
  formula: string
}

export function textbookOverhead(settings: CostSettings): TextbookEstimate {
  const { textbook } = techniques[settings.technique]
  const count = textbook.per === 'request' ? requestsPerSecond(settings) : settings.students * settings.feedRate
  return {
    min: count * textbook.min,
    max: count * textbook.max,
    formula: `${textbook.per === 'request' ? 'requests/s' : 'students × feed rate'} × ${textbook.what}`
  }
}

/** Each textbook figure once, with the techniques it is given for: "Manual refresh, Manual AJAX: …". */
export function textbookFigures(): string[] {
  const byFigure = new Map<string, string[]>()
  for (const technique of allTechniques) {
    const titles = byFigure.get(technique.textbook.what) ?? []
    titles.push(technique.title)
    byFigure.set(technique.textbook.what, titles)
  }
  return [...byFigure].map(([what, titles]) => `${titles.join(', ')}: ${what}.`)
}
