import type { Locator } from '@playwright/test'

/** What a reader at the back of the room gets of a part of a page. */
export interface Legibility {
  /** The smallest font size of any visible text in it, in CSS px as drawn (a zoomed frame's text counts zoomed). */
  smallestPx: number
  /** That text, and the element holding it, to say which one failed. */
  smallest: string
  /** Visible texts whose boxes cross, by more than a pixel. */
  overlaps: string[]
  /** Parts (the locator's element's children) whose content reaches outside their own box. */
  spills: string[]
  /** The share of `area`'s box that the parts' content covers: each part's width × the height down to its last text or drawing. */
  filled: number
}

/**
 * Measures the visible text in `target` (and in its same-origin frames), and how much of `area`
 * (the slide, say) the content of `target`'s children covers. Hidden text (display: none,
 * visibility: hidden, or clipped to a pixel for screen readers) does not count.
 */
export function legibilityOf(target: Locator, area: string): Promise<Legibility> {
  return target.evaluate((root, areaSelector) => {
    const shown = (element: Element): boolean => {
      const box = element.getBoundingClientRect()
      if (box.width <= 1 || box.height <= 1) return false
      for (let at: Element | null = element; at; at = at.parentElement) {
        const style = getComputedStyle(at)
        if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false
      }
      return true
    }
    interface Text {
      px: number
      text: string
      holder: Element
      boxes: DOMRect[]
    }
    const texts: Text[] = []
    const intersect = (a: DOMRect, b: DOMRect): DOMRect | undefined => {
      const left = Math.max(a.left, b.left)
      const top = Math.max(a.top, b.top)
      const right = Math.min(a.right, b.right)
      const bottom = Math.min(a.bottom, b.bottom)
      return right - left > 0 && bottom - top > 0 ? new DOMRect(left, top, right - left, bottom - top) : undefined
    }
    // What an element's overflow-clipping ancestors let show of a box (in the element's own document).
    const clipped = (holder: Element, box: DOMRect): DOMRect | undefined => {
      let seen: DOMRect | undefined = box
      for (let at = holder.parentElement; at && seen; at = at.parentElement) {
        const style = getComputedStyle(at)
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible')
          seen = intersect(seen, at.getBoundingClientRect())
      }
      return seen
    }
    const collect = (scope: Element, zoom: number, frame?: DOMRect) => {
      const walker = scope.ownerDocument.createTreeWalker(scope, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const holder = node.parentElement
        if (!holder || !node.textContent?.trim() || !shown(holder)) continue
        const range = scope.ownerDocument.createRange()
        range.selectNodeContents(node)
        const boxes = [...range.getClientRects()]
          .map((box) => clipped(holder, box))
          .map((box) =>
            box && frame
              ? intersect(
                  frame,
                  new DOMRect(frame.x + box.x * zoom, frame.y + box.y * zoom, box.width * zoom, box.height * zoom)
                )
              : box
          )
          .filter((box): box is DOMRect => box !== undefined)
        if (boxes.length === 0) continue
        const px = Number.parseFloat(getComputedStyle(holder).fontSize) * zoom
        texts.push({ px, text: node.textContent.trim().slice(0, 40), holder, boxes })
      }
      for (const inner of scope.querySelectorAll('iframe')) {
        const body = inner.contentDocument?.body
        if (!body || !shown(inner) || !inner.contentWindow) continue
        const box = inner.getBoundingClientRect()
        const inside = new DOMRect(
          box.x + inner.clientLeft,
          box.y + inner.clientTop,
          inner.clientWidth * (box.width / inner.offsetWidth),
          inner.clientHeight * (box.height / inner.offsetHeight)
        )
        // A zoomed frame draws its CSS pixels larger: its devicePixelRatio says by how much.
        collect(body, (zoom * inner.contentWindow.devicePixelRatio) / window.devicePixelRatio, inside)
      }
    }
    collect(root, 1)
    texts.sort((a, b) => a.px - b.px)
    const first = texts[0]
    const name = (text: Text) => `"${text.text}" (${text.holder.tagName.toLowerCase()}.${text.holder.className})`

    const overlaps: string[] = []
    const crossing = (a: DOMRect, b: DOMRect) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1
    for (const [index, a] of texts.entries()) {
      for (const b of texts.slice(index + 1)) {
        if (a.holder.contains(b.holder) || b.holder.contains(a.holder)) continue
        // Text a frame clips to its box is hidden, not overlapping; only what is drawn counts.
        if (a.boxes.some((boxA) => b.boxes.some((boxB) => crossing(boxA, boxB))))
          overlaps.push(`${name(a)} × ${name(b)}`)
      }
    }

    // Content: the visible texts, drawings, frames and controls, never a box stretched to fill.
    const content = [...root.querySelectorAll('canvas, svg, iframe, input, button, select')].filter(shown)
    const spills: string[] = []
    const areaBox = (root.closest(areaSelector) ?? root).getBoundingClientRect()
    let covered = 0
    for (const part of root.children) {
      const box = part.getBoundingClientRect()
      const bottoms = [
        ...texts.filter((text) => part.contains(text.holder)).flatMap((text) => text.boxes.map((b) => b.bottom)),
        ...content.filter((element) => part.contains(element)).map((element) => element.getBoundingClientRect().bottom)
      ]
      if (bottoms.length === 0) continue
      const bottom = Math.max(...bottoms)
      if (bottom > box.bottom + 1)
        spills.push(`${part.className}: content ends ${Math.round(bottom - box.bottom)} px below`)
      covered += box.width * (Math.min(bottom, box.bottom) - box.top)
    }
    return {
      smallestPx: first?.px ?? 0,
      smallest: first ? name(first) : 'no text',
      overlaps,
      spills,
      filled: covered / (areaBox.width * areaBox.height)
    }
  }, area)
}
