import type { Lesson } from '../../shared/lesson.ts'
import { techniques } from '../../shared/techniques.ts'
import { escapeHtml, pageHtml } from '../page-layout.ts'

/** Every lesson in order, with its one-line summary: the index, and the way on from a lesson not found. */
export function lessonList(lessons: Lesson[]): string {
  const items = lessons
    .map(
      (lesson) =>
        `<li${lesson.technique ? ` data-technique="${lesson.technique}"` : ''}>` +
        (lesson.technique
          ? `<span class="technique-badge" aria-hidden="true">${techniques[lesson.technique].letter}</span> `
          : '') +
        `<a href="/lessons/${lesson.slug}">${escapeHtml(lesson.title)}</a><p>${escapeHtml(lesson.summary)}</p></li>`
    )
    .join('\n')
  return `<ol class="lessons">
${items}
</ol>`
}

/** `/lessons/`: every lesson in order, with its one-line summary. */
export function lessonIndexPage(lessons: Lesson[]): string {
  return pageHtml({
    title: 'Lessons',
    description: 'How a browser gets live data from a server, one technique at a time, each with its live demo.',
    section: 'lessons',
    bundle: 'lesson',
    mainAttributes: { class: 'lesson-index' },
    main: `<h1>Lessons</h1>
<p class="lead">Nine short lessons, from reloading a page to WebSocket and HTTP/2. Each one has a live demo on this server,
a question to predict before you look, the real server code of the technique, and a few questions to check yourself.</p>
${lessonList(lessons)}`
  })
}

/** One lesson: contents, the lesson with its live demos, and the way to the previous and next ones. */
export function lessonPage(lesson: Lesson, previous: Lesson | undefined, next: Lesson | undefined): string {
  const contents = lesson.sections
    .map((section) => `<li><a href="#${section.id}">${escapeHtml(section.title)}</a></li>`)
    .join('')
  const pager = [
    previous ? `<a rel="prev" href="/lessons/${previous.slug}">← ${escapeHtml(previous.title)}</a>` : '<span></span>',
    next ? `<a rel="next" href="/lessons/${next.slug}">${escapeHtml(next.title)} →</a>` : '<span></span>'
  ].join('\n')
  return pageHtml({
    title: lesson.title,
    description: lesson.summary,
    section: 'lessons',
    bundle: 'lesson',
    mainAttributes: { class: 'lesson', 'data-lesson': lesson.slug },
    main: `<nav class="lesson-contents" aria-labelledby="contents-title">
<h2 id="contents-title">On this page</h2>
<ol>${contents}</ol>
</nav>
<article class="lesson-body">
<p class="lesson-number">Lesson ${lesson.number} of ${lesson.of}</p>
<h1>${escapeHtml(lesson.title)}</h1>
${lesson.intro}
${lesson.sections.map((section) => `<section aria-labelledby="${section.id}">\n${section.html}</section>`).join('\n')}
</article>
<nav class="lesson-pager" aria-label="Previous and next lesson">
${pager}
</nav>`
  })
}
