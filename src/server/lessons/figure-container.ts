import type { MarkdownIt, Token } from 'markdown-it'
import container from 'markdown-it-container'
import { figureSvg } from './figures/index.ts'
import { scrollableTables } from './scrollable-tables.ts'

/**
 * `::: figure <name>` … `:::` in a lesson: the server-drawn SVG figure `<name>` (src/server/lessons/figures/),
 * with what the block holds as its caption. An unknown name throws when the lesson is built. Figures and
 * tables are the lessons' wide blocks: both scroll sideways in a focusable wrapper on a phone.
 */
export function figureContainer(md: MarkdownIt): void {
  md.use(scrollableTables)
  md.use(container, 'figure', {
    validate: (params: string) => /^figure\s+\S+\s*$/.test(params.trim()),
    render: (tokens: Token[], index: number) => {
      const token = tokens[index]
      if (token?.nesting !== 1) return '</figcaption>\n</figure>\n'
      const name = token.info.trim().split(/\s+/)[1] ?? ''
      const svg = figureSvg(name)
      return (
        `<figure class="lesson-figure" id="figure-${name}" data-figure="${name}">\n` +
        `<div class="figure-scroll" tabindex="0" role="group" aria-label="Figure: scroll sideways if it does not fit">${svg}</div>\n` +
        // Shown only where the figure is wider than the screen (a phone held upright), so nobody reads half of it.
        '<p class="figure-hint" aria-hidden="true">Wider than this screen: swipe the figure sideways, or turn the phone.</p>\n' +
        '<figcaption>\n'
      )
    }
  })
}
