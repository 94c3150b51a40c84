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

const svgNamespace = 'http://www.w3.org/2000/svg'

/** Creates an SVG element, as `h` does an HTML one: strings given as children become text nodes. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  ...children: (Node | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNamespace, tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value))
  element.append(...children)
  return element
}

/** The browser's clock, epoch ms, with the sub-millisecond precision `performance.now()` gives. */
export function browserNow(): number {
  return performance.timeOrigin + performance.now()
}
