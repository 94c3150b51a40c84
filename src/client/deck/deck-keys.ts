/** What a key does in the projector and the console. */
export interface DeckActions {
  next(): void
  previous(): void
  first(): void
  last(): void
  blank(): void
  fullscreen(): void
  overview(): void
  /** Only the projector: `S` opens the console. */
  console?(): void
}

/** Text fields keep their keys: typing an announcement or a rate must not move the slides. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target.matches('textarea, select')) return true
  return (
    target.matches('input') &&
    ['text', 'number', 'search', 'email', 'url', ''].includes((target as HTMLInputElement).type)
  )
}

/**
 * The presenter's keys, as a clicker sends them and as reveal.js binds them: → ↓ PageDown space
 * next; ← ↑ PageUp previous; Home/End; `B` or `.` blank; `F` fullscreen; Escape the overview.
 * They are heard on `document` in the capture phase, so whatever was clicked last (a button, a
 * checkbox) they still work, and a clicked button gives its focus back to the page at once.
 */
export function bindDeckKeys(actions: DeckActions): void {
  const byKey: Record<string, (() => void) | undefined> = {
    ArrowRight: actions.next,
    ArrowDown: actions.next,
    PageDown: actions.next,
    ' ': actions.next,
    ArrowLeft: actions.previous,
    ArrowUp: actions.previous,
    PageUp: actions.previous,
    Home: actions.first,
    End: actions.last,
    b: actions.blank,
    B: actions.blank,
    '.': actions.blank,
    f: actions.fullscreen,
    F: actions.fullscreen,
    Escape: actions.overview,
    s: actions.console,
    S: actions.console
  }
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return
      const action = byKey[event.key]
      if (!action) return
      event.preventDefault()
      event.stopPropagation()
      action()
    },
    { capture: true }
  )
  // A clicker keeps working after a click: buttons and boxes give the focus back to the page.
  document.addEventListener('click', (event) => {
    const control = (event.target as Element | null)?.closest?.(
      'button, input[type=checkbox], input[type=radio], summary'
    )
    if (control instanceof HTMLElement) setTimeout(() => control.blur(), 0)
  })
  document.addEventListener('change', (event) => {
    const control = event.target as HTMLElement | null
    if (control?.matches('input[type=range], select')) control.blur()
  })
}

/** Fullscreen on and off (`F`), as the projector needs it. */
export function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen()
  else void document.documentElement.requestFullscreen?.().catch(() => undefined)
}
