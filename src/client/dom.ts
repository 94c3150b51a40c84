/**
 * Creates an element. Children given as strings become text nodes, so text from
 * the feed (students' chat) is always shown as text and never parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  element.append(...children)
  return element
}

/** The browser's clock, epoch ms, with the sub-millisecond precision `performance.now()` gives. */
export function browserNow(): number {
  return performance.timeOrigin + performance.now()
}
