// The plot beside `bench/RESULTS.md`: p99 latency and CPU per delivery against clients, ours beside the bare
// baselines and the peer libraries, for the techniques that have a peer. Written by hand because it is a few dozen
// elements in a file; a chart library would need a browser to draw it.
import { traceShape } from '../src/client/platform/mark-shapes.ts'
import { techniques } from '../src/shared/techniques.ts'
import { cpuPerUnit, keptRate, peerOf } from './comparison.ts'
import type { BenchRow } from './protocol.ts'

/** SVG path data traced by the page's own mark drawing (`traceShape`), so the plot's marks are the panels' marks. */
class SvgPath {
  d = ''
  #at = (x: number, y: number) => `${Math.round(x * 100) / 100} ${Math.round(y * 100) / 100}`
  moveTo(x: number, y: number): void {
    this.d += `M${this.#at(x, y)}`
  }
  lineTo(x: number, y: number): void {
    this.d += `L${this.#at(x, y)}`
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.d += `M${this.#at(x, y)}h${w}v${h}h${-w}z`
  }
  closePath(): void {
    this.d += 'z'
  }
  /** Clockwise, as a canvas draws it by default; a whole turn is two half arcs (one SVG arc cannot close on itself). */
  arc(x: number, y: number, r: number, from: number, to: number): void {
    const point = (angle: number) => this.#at(x + r * Math.cos(angle), y + r * Math.sin(angle))
    this.d += `L${point(from)}`
    if (to - from >= 2 * Math.PI) this.d += `A${r} ${r} 0 0 1 ${point(from + Math.PI)}A${r} ${r} 0 0 1 ${point(from)}`
    else this.d += `A${r} ${r} 0 ${to - from > Math.PI ? 1 : 0} 1 ${point(to)}`
  }
}

/** A technique's mark in the plot: its declared shape, about 9 px across. */
const markOf = (technique: BenchRow['technique'], x: number, y: number) => {
  const path = new SvgPath()
  traceShape(path, techniques[technique].shape, x, y, 9)
  return `<path d="${path.d}"/>`
}
const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c)
const short = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n))
/** Powers of ten covering the values (at least one decade), and a log scale onto [from, to] with a little margin. */
const decades = (values: number[], from: number, to: number) => {
  const lo = Math.floor(Math.log10(Math.min(...values)))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))))
  // A twentieth of the range on each side keeps marks on the edge decades off the frame.
  const pad = (hi - lo) / 20
  const scale = (v: number) =>
    Math.round((from + ((Math.log10(v) - lo + pad) / (hi - lo + 2 * pad)) * (to - from)) * 10) / 10
  return [lo, hi, scale] as const
}

/** One colour per server (Okabe–Ito), and a dash for the baseline. */
const serverStyle: Record<BenchRow['server'], { colour: string; dashes: string; label: string }> = {
  wirewatch: { colour: '#0072B2', dashes: '', label: 'wirewatch' },
  bare: { colour: '#000000', dashes: ' stroke-dasharray="6 4"', label: 'bare node:http' },
  'socket.io': { colour: '#D55E00', dashes: '', label: 'Socket.IO' },
  'better-sse': { colour: '#009E73', dashes: '', label: 'better-sse' }
}
const ink = '#1c1d21'
const muted = '#5b5e66'
const grid = 'stroke="#e3e4e8" stroke-width="1"'

interface Panel {
  title: string
  value: (row: BenchRow) => number
  left: number
  right: number
}

/** One panel: log-scale axes, then a line per server and technique, marks hollow where a row fell below its rate. */
function panel(out: string[], rows: BenchRow[], { title, value, left, right }: Panel, top: number, bottom: number) {
  const [x0, x1, x] = decades(
    rows.map((r) => r.clients),
    left,
    right
  )
  const [y0, y1, y] = decades(rows.map(value), bottom, top)
  out.push(`<text x="${left}" y="${top - 12}" font-size="15" font-weight="600">${escapeXml(title)}</text>`)
  for (let d = x0; d <= x1; d++) {
    const at = x(10 ** d)
    out.push(`<line x1="${at}" x2="${at}" y1="${top}" y2="${bottom}" ${grid}/>`)
    out.push(`<text x="${at}" y="${bottom + 18}" text-anchor="middle" fill="${muted}">${short(10 ** d)}</text>`)
  }
  // 1-2-5 steps while the range is short; decades only once it spans many.
  const steps = y1 - y0 <= 3 ? [1, 2, 5] : [1]
  for (let d = y0; d <= y1; d++)
    for (const step of steps) {
      const v = step * 10 ** d
      if (v > 10 ** y1) break
      const label = v < 1 ? String(Number(v.toFixed(3))) : v.toLocaleString('en-US')
      out.push(`<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" ${grid}/>`)
      out.push(`<text x="${left - 6}" y="${y(v)}" dy="4" text-anchor="end" fill="${muted}">${label}</text>`)
    }
  out.push(
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#b8bac2"/>`,
    `<text x="${(left + right) / 2}" y="${bottom + 38}" text-anchor="middle">clients (log scale)</text>`
  )
  const series = new Map<string, BenchRow[]>()
  for (const r of rows)
    series.set(`${r.technique} ${r.server}`, [...(series.get(`${r.technique} ${r.server}`) ?? []), r])
  for (const points of series.values()) {
    const first = points[0]
    if (!first) continue
    const { colour, dashes } = serverStyle[first.server]
    const sorted = points.toSorted((a, b) => a.clients - b.clients)
    const line = sorted.map((r) => `${x(r.clients)},${y(value(r))}`).join(' ')
    out.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"${dashes}/>`)
    for (const r of sorted)
      out.push(
        `<g fill="${keptRate(r) ? colour : '#ffffff'}" stroke="${colour}" stroke-width="1.5">${markOf(r.technique, x(r.clients), y(value(r)))}</g>`
      )
  }
}

/** p99 latency and CPU per delivery against clients, each on log scales, in two panels side by side. */
export function latencySvg(rows: BenchRow[]): string {
  const [width, height] = [900, 470]
  const [top, bottom] = [70, 330]
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="13" fill="${ink}">`,
    `<title>${escapeXml('p99 latency and server CPU per delivery vs clients: wirewatch, bare node:http, Socket.IO, better-sse')}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="70" y="28" font-size="17" font-weight="600">${escapeXml('Against bare node:http and the peer libraries, 20 events/s')}</text>`
  ]
  // The plain rows of the techniques that have a peer library; variants compare something else.
  const shown = rows.filter(
    (r) => !r.variant && r.clients > 0 && peerOf[r.technique] !== undefined && r.latencyMs.p99 > 0 && cpuPerUnit(r) > 0
  )
  if (shown.length === 0)
    return [...out, `<text x="${width / 2}" y="${height / 2}" text-anchor="middle">no results</text>`, '</svg>'].join(
      '\n'
    )
  panel(
    out,
    shown,
    { title: 'p99 delivery latency, ms', value: (r) => r.latencyMs.p99, left: 70, right: 420 },
    top,
    bottom
  )
  panel(out, shown, { title: 'server CPU per delivery, µs', value: cpuPerUnit, left: 520, right: 870 }, top, bottom)
  const legendTop = bottom + 70
  const servers = (Object.keys(serverStyle) as BenchRow['server'][]).filter((s) => shown.some((r) => r.server === s))
  for (const [i, server] of servers.entries()) {
    const { colour, dashes, label } = serverStyle[server]
    const lx = 70 + i * 170
    out.push(
      `<line x1="${lx}" x2="${lx + 30}" y1="${legendTop}" y2="${legendTop}" stroke="${colour}" stroke-width="2.5"${dashes}/>`,
      `<text x="${lx + 38}" y="${legendTop}" dy="4">${escapeXml(label)}</text>`
    )
  }
  const kinds = [...new Set(shown.map((r) => r.technique))]
  for (const [i, technique] of kinds.entries()) {
    const lx = 70 + i * 170
    out.push(
      `<g fill="${muted}" stroke="${muted}" stroke-width="1.5">${markOf(technique, lx + 15, legendTop + 28)}</g>`,
      `<text x="${lx + 38}" y="${legendTop + 28}" dy="4">${escapeXml(technique)}</text>`
    )
  }
  out.push(
    `<text x="70" y="${legendTop + 56}" fill="${muted}">${escapeXml('Hollow marks: the server published below 95 % of the rate asked, so its figures are not comparable.')}</text>`,
    '</svg>'
  )
  return out.join('\n')
}
