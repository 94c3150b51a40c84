import type { Env, MarkdownIt, Token } from 'markdown-it'
import container from 'markdown-it-container'
import { escapeHtml } from '../page-layout.ts'

/**
 * `::: six-connections … :::` in a lesson: the "open N event streams from this page" demo
 * (src/client/demos/six-connections.ts). The lesson page mounts it into this section; what the
 * block holds is shown above the demo. Where no script mounts it (a projector's slide, a reader
 * with scripts off) the section says where it runs.
 */
export function sixConnectionsContainer(md: MarkdownIt): void {
  md.use(container, 'six-connections', {
    validate: (params: string) => params.trim() === 'six-connections',
    render: (tokens: Token[], index: number, _options: unknown, env?: Env) => {
      if (tokens[index]?.nesting !== 1) return '</section>\n'
      const slug = (env as { slug?: string } | undefined)?.slug ?? 'lesson'
      // Set by the `::: predict` before it (predict-container.ts): the demo waits for that answer.
      const predict = (tokens[index]?.meta as { predict?: string } | null)?.predict
      const waitsFor = predict ? ` data-predict="${escapeHtml(predict)}"` : ''
      return (
        `<section class="six-connections" data-six-connections-slot${waitsFor} aria-label="Demo: open N event streams from this page">\n` +
        '<h3>Demo: open N event streams from this page</h3>\n' +
        `<p class="six-connections-no-script">It runs on the lesson’s own page, /lessons/${escapeHtml(slug)}, in a browser with scripts on.</p>\n`
      )
    }
  })
}
