import type { Lesson } from '../shared/lesson.ts'
import { lessonList } from './lessons/lesson-pages.ts'
import { escapeHtml, pageHtml, type SiteSection } from './page-layout.ts'

export interface NotFoundParts {
  /** What was not found, in our words: the address asked for is never shown (see below). */
  heading: string
  section?: SiteSection
  lessons: Lesson[]
}

/**
 * The 404 a browser gets, in the site's layout, with the way on: the lessons' list. The path asked
 * for is not repeated: it is whatever a student typed or was sent (the address bar shows it), and
 * none of it reaches the page, escaped or not.
 */
export function notFoundPage({ heading, section, lessons }: NotFoundParts): string {
  return pageHtml({
    title: 'Not found',
    description: 'There is nothing at this address on wirewatch.',
    section,
    bundle: 'lesson',
    mainAttributes: { class: 'lesson-index not-found' },
    main: `<h1>${escapeHtml(heading)}</h1>
<p class="lead">Check the address, or go on from here: <a href="/lessons/">all the lessons</a>,
or <a href="/">every technique side by side</a>.</p>
<h2>The lessons</h2>
${lessonList(lessons)}`
  })
}
