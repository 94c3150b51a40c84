import type { MarkdownIt, Token } from 'markdown-it'
import container from 'markdown-it-container'

/**
 * `::: six-connections … :::` in a lesson: the "open N event streams from this page" demo
 * (src/client/demos/six-connections.ts). The lesson page mounts it into this section; what the
 * block holds is shown above the demo. Without the page's script (the projector's slide, a
 * reader with scripts off) the section says where the demo runs.
 */
export function sixConnectionsContainer(md: MarkdownIt): void {
  md.use(container, 'six-connections', {
    validate: (params: string) => params.trim() === 'six-connections',
    render: (tokens: Token[], index: number) =>
      tokens[index]?.nesting === 1
        ? '<section class="six-connections" data-six-connections-slot aria-label="Demo: open N event streams from this page">\n' +
          '<h3>Demo: open N event streams from this page</h3>\n' +
          '<p class="six-connections-no-script">The demo runs on this lesson’s page, with its script.</p>\n'
        : '</section>\n'
  })
}
