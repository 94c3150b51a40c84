import type { MarkdownIt, Token } from 'markdown-it'
import container from 'markdown-it-container'

/**
 * `::: notes … :::` in a lesson: what the teacher says or does on that section's slides. It is
 * rendered `hidden` (so lesson pages and the projector never show it, and screen readers skip it),
 * and the presenter console reads it from the section's HTML and shows it to the teacher.
 */
export function notesContainer(md: MarkdownIt): void {
  md.use(container, 'notes', {
    render: (tokens: Token[], index: number) =>
      tokens[index]?.nesting === 1 ? '<aside class="notes" data-notes hidden>\n' : '</aside>\n'
  })
}
