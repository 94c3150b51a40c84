import { type Audience, classroomLimits } from '../../shared/classroom.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import type { WireAccounting } from '../wire/accounting/wire-accounting.ts'

/** Teacher's pages remembered at most: a projector, a console or two, and their reloads. */
const teacherPagesMax = 64

/**
 * The pages in the room: one is counted while its `/wire/live` connection is open (every
 * page of the site keeps one), and it counts for a technique when the wire accounting saw
 * that technique on it lately. The teacher's own pages (the projector, the console) are
 * not the audience: a page that has shown the presenter token with its client id is left out.
 */
export class AudienceCount {
  /** Open `/wire/live` sockets per page (a page reconnecting briefly has two). */
  #pages = new Map<string, number>()
  /**
   * Client ids that have shown the presenter token, oldest first. Kept apart from `#pages`, so a
   * page stays the teacher's across its reconnects; bounded, as nothing tells us a page is gone for good.
   */
  #teacherPages = new Set<string>()

  /** Page `client` is the teacher's (it sent the presenter token): it is not counted from now on. */
  markTeacher(client: string): void {
    this.#teacherPages.delete(client) // re-inserted as the newest
    this.#teacherPages.add(client)
    if (this.#teacherPages.size <= teacherPagesMax) return
    const oldest = this.#teacherPages.values().next().value
    if (oldest !== undefined) this.#teacherPages.delete(oldest)
  }

  /** A page's live connection opened; returns the function to call when it closes. */
  join(client: string): () => void {
    this.#pages.set(client, (this.#pages.get(client) ?? 0) + 1)
    return () => {
      const left = (this.#pages.get(client) ?? 1) - 1
      if (left > 0) this.#pages.set(client, left)
      else this.#pages.delete(client)
    }
  }

  /** The audience now: student pages only, neither the teacher's pages nor page `except` (the one asking). */
  count(wire: WireAccounting, except?: string): Audience {
    const activeWithinMs = classroomLimits.audienceActiveWithinMs
    const techniques = Object.fromEntries(techniqueNames.map((name) => [name, 0])) as Audience['techniques']
    let pages = 0
    for (const client of this.#pages.keys()) {
      if (client === except || this.#teacherPages.has(client)) continue
      pages++
      for (const name of wire.activeTechniques(client, activeWithinMs)) techniques[name]++
    }
    return { pages, techniques, activeWithinMs }
  }
}
