import type { MarkShape } from '../../shared/techniques.ts'

/** What a mark can be traced on: both a canvas and a `Path2D` have these. */
type PathTarget = Pick<Path2D, 'moveTo' | 'lineTo' | 'arc' | 'rect' | 'closePath'>

/**
 * Adds a technique's mark, about `size` across and centred on (x, y), to a path: a canvas's
 * current one or a `Path2D` (which uPlot fills for a chart's points). The caller fills and strokes it.
 */
export function traceShape(path: PathTarget, shape: MarkShape, x: number, y: number, size: number): void {
  const r = size / 2
  switch (shape) {
    case 'square':
      path.rect(x - r, y - r, size, size)
      break
    case 'diamond':
      path.moveTo(x, y - r * 1.3)
      path.lineTo(x + r * 1.3, y)
      path.lineTo(x, y + r * 1.3)
      path.lineTo(x - r * 1.3, y)
      path.closePath()
      break
    case 'triangle':
      path.moveTo(x, y - r * 1.3)
      path.lineTo(x + r * 1.2, y + r)
      path.lineTo(x - r * 1.2, y + r)
      path.closePath()
      break
    case 'triangle-down':
      path.moveTo(x, y + r * 1.3)
      path.lineTo(x + r * 1.2, y - r)
      path.lineTo(x - r * 1.2, y - r)
      path.closePath()
      break
    case 'circle':
      // A new subpath, so a Path2D of many circles draws no line from one to the next.
      path.moveTo(x + r * 1.1, y)
      path.arc(x, y, r * 1.1, 0, 2 * Math.PI)
      break
    case 'hexagon':
      for (let corner = 0; corner < 6; corner++) {
        const angle = (Math.PI / 3) * corner
        const [cornerX, cornerY] = [x + r * 1.2 * Math.cos(angle), y + r * 1.2 * Math.sin(angle)]
        if (corner === 0) path.moveTo(cornerX, cornerY)
        else path.lineTo(cornerX, cornerY)
      }
      path.closePath()
      break
    case 'star':
      for (let point = 0; point < 10; point++) {
        const angle = -Math.PI / 2 + (Math.PI / 5) * point
        const reach = point % 2 === 0 ? r * 1.45 : r * 0.6
        const [pointX, pointY] = [x + reach * Math.cos(angle), y + reach * Math.sin(angle)]
        if (point === 0) path.moveTo(pointX, pointY)
        else path.lineTo(pointX, pointY)
      }
      path.closePath()
      break
    case 'plus': {
      const arm = r * 1.3
      const half = r * 0.45
      path.moveTo(x - half, y - arm)
      path.lineTo(x + half, y - arm)
      path.lineTo(x + half, y - half)
      path.lineTo(x + arm, y - half)
      path.lineTo(x + arm, y + half)
      path.lineTo(x + half, y + half)
      path.lineTo(x + half, y + arm)
      path.lineTo(x - half, y + arm)
      path.lineTo(x - half, y + half)
      path.lineTo(x - arm, y + half)
      path.lineTo(x - arm, y - half)
      path.lineTo(x - half, y - half)
      path.closePath()
      break
    }
    default: {
      // A shape declared in src/shared/techniques.ts but not drawn here is a type error, not a mark that draws nothing.
      const undrawn: never = shape
      throw new Error(`no way to draw the mark shape ${String(undrawn)}`)
    }
  }
}
