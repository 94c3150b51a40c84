import type { MarkdownIt } from 'markdown-it'

/**
 * Puts every table of a lesson in a wrapper that scrolls sideways on a narrow screen, so its words are
 * never broken to fit; the wrapper takes keyboard focus, since a region that scrolls must be reachable.
 */
export function scrollableTables(md: MarkdownIt): void {
  const rules = md.renderer.rules
  rules.table_open = (tokens, index, options, _env, self) =>
    `<div class="table-scroll" tabindex="0" role="group" aria-label="Table (scrolls sideways)">\n${self.renderToken(tokens, index, options)}`
  rules.table_close = (tokens, index, options, _env, self) => `${self.renderToken(tokens, index, options)}</div>\n`
}
