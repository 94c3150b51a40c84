import { escapeHtml } from '../../page-layout.ts'

// Small builders for the lessons' figures. Sizes are viewBox units; colours are classes the
// lesson's stylesheet maps to the page's custom properties (light and dark), with currentColor
// attributes underneath so a figure still reads where that stylesheet is not loaded.

export interface FigureFrame {
  /** The figure's name in `::: figure <name>`, used for its ids. */
  name: string
  title: string
  desc: string
  width: number
  height: number
  body: string
}

/** The `<svg>` of a figure: an image with its title and description, named by `aria-labelledby`. */
export function svgFigure({ name, title, desc, width, height, body }: FigureFrame): string {
  const id = `figure-${name}`
  return (
    `<svg class="figure-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" data-figure-svg="${name}" font-size="14" fill="currentColor">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>\n${body}</svg>`
  )
}

export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end'
  className?: string
  size?: number
  mono?: boolean
  bold?: boolean
}

/** Real text in the figure (selectable, read by screen readers with the desc, scaled with the figure). */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  const { anchor = 'start', className, size, mono, bold } = options
  const classes = [className, mono ? 'fig-mono' : undefined].filter(Boolean).join(' ')
  return (
    `<text x="${x}" y="${y}" text-anchor="${anchor}"${classes ? ` class="${classes}"` : ''}` +
    `${size ? ` font-size="${size}"` : ''}${mono ? ' font-family="ui-monospace, monospace"' : ''}` +
    `${bold ? ' font-weight="700"' : ''}>${escapeHtml(content)}</text>`
  )
}

export function line(x1: number, y1: number, x2: number, y2: number, className = 'fig-line'): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" class="${className}" stroke="currentColor" stroke-width="1.5"/>`
}

export function rect(x: number, y: number, width: number, height: number, className = 'fig-box'): string {
  return `<rect x="${x}" y="${y}" width="${width}" height="${height}" class="${className}" fill="none" stroke="currentColor"/>`
}

const round = (n: number) => Math.round(n * 10) / 10

/** A straight arrow from (x1, y1) to (x2, y2), its head drawn as a polygon (no markers: ids would clash). */
export function arrow(x1: number, y1: number, x2: number, y2: number, className = 'fig-arrow'): string {
  const angle = Math.atan2(y2 - y1, x2 - x1)
  const head = 10
  const spread = 0.4
  const left = [x2 - head * Math.cos(angle - spread), y2 - head * Math.sin(angle - spread)]
  const right = [x2 - head * Math.cos(angle + spread), y2 - head * Math.sin(angle + spread)]
  const points = [[x2, y2], left, right].map(([x = 0, y = 0]) => `${round(x)},${round(y)}`).join(' ')
  return (
    `<g class="${className}"><line x1="${x1}" y1="${y1}" x2="${round(x2 - (head - 2) * Math.cos(angle))}" ` +
    `y2="${round(y2 - (head - 2) * Math.sin(angle))}" stroke="currentColor" stroke-width="2"/>` +
    `<polygon points="${points}" fill="currentColor" stroke="none"/></g>`
  )
}

/** A group drawn in a technique's colour (`--<technique>`, set on the page from src/shared/techniques.ts). */
export function accented(technique: string, body: string): string {
  return `<g class="fig-accent" data-accent="${technique}">${body}</g>`
}

/** A vertical bracket on the left of a span of time, with its label. */
export function span(x: number, y1: number, y2: number, label: string[], className = 'fig-span'): string {
  const labelY = (y1 + y2) / 2 - ((label.length - 1) * 16) / 2 + 5
  return (
    `<g class="${className}">` +
    `<path d="M${x + 8} ${y1} H${x} V${y2} H${x + 8}" fill="none" stroke="currentColor" stroke-width="1.5"/>` +
    label.map((part, i) => text(x - 8, labelY + i * 16, part, { anchor: 'end', bold: i === 0 })).join('') +
    '</g>'
  )
}

/** A label along the line from (x1, y1) to (x2, y2), above it (or `below`), turned to be read left to right. */
export function labelAlong(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  label: string,
  { below = false, ...options }: TextOptions & { below?: boolean } = {}
): string {
  let angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI
  if (angle > 90) angle -= 180
  if (angle < -90) angle += 180
  const x = round((x1 + x2) / 2)
  const y = round((y1 + y2) / 2 + (below ? 17 : -7))
  return `<g transform="rotate(${round(angle)} ${x} ${round((y1 + y2) / 2)})">${text(x, y, label, { anchor: 'middle', ...options })}</g>`
}

/** A time line: a party's name on top, and its line down the figure. */
export function timeLine(x: number, top: number, bottom: number, name: string): string {
  return text(x, top - 12, name, { anchor: 'middle', bold: true }) + line(x, top, x, bottom, 'fig-timeline')
}
