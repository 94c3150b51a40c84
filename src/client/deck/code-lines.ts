/** Escapes text for HTML content. */
function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The lines of a highlighted `<code>` element, each as HTML that stands on its own: highlight.js
 * spans that run over a line end (a multi-line comment or string) are closed at the end of the
 * line and opened again on the next, so any run of lines can be shown on a slide by itself.
 */
export function codeLines(code: Element): string[] {
  const lines: string[] = []
  const open: string[] = []
  let line = ''
  const walk = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const parts = (node.textContent ?? '').split('\n')
      parts.forEach((part, index) => {
        if (index > 0) {
          lines.push(line + '</span>'.repeat(open.length))
          line = open.join('')
        }
        line += escapeText(part)
      })
      return
    }
    if (!(node instanceof Element)) return
    const tag = `<span class="${escapeText(node.getAttribute('class') ?? '').replaceAll('"', '&#34;')}">`
    open.push(tag)
    line += tag
    for (const child of node.childNodes) walk(child)
    open.pop()
    line += '</span>'
  }
  for (const child of code.childNodes) walk(child)
  lines.push(line)
  // A fence ends with a newline: no empty last line on the slide.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop()
  return lines
}
