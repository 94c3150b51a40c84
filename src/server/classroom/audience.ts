import { type Audience, classroomLimits } from '../../shared/classroom.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import type { WireAccounting } from '../wire/accounting/wire-accounting.ts'

/**
 * The pages in the room: one is counted while its `/wire/live` connection is open (every
 * page of the site keeps one), and it counts for a technique when the wire accounting saw
 * that technique on it lately.
 */
export class AudienceCount {
  /** Open `/wire/live` sockets per page (a page reconnecting briefly has two). */
  #pages = new Map<string, number>()

  /** A page's live connection opened; returns the function to call when it closes. */
  join(client: string): () => void {
    this.#pages.set(client, (this.#pages.get(client) ?? 0) + 1)
    return () => {
      const left = (this.#pages.get(client) ?? 1) - 1
      if (left > 0) this.#pages.set(client, left)
      else this.#pages.delete(client)
    }
  }

  /** The audience now, not counting page `except` (the presenter's own). */
  count(wire: WireAccounting, except?: string): Audience {
    const activeWithinMs = classroomLimits.audienceActiveWithinMs
    const techniques = Object.fromEntries(techniqueNames.map((name) => [name, 0])) as Audience['techniques']
    let pages = 0
    for (const client of this.#pages.keys()) {
      if (client === except) continue
      pages++
      for (const name of wire.activeTechniques(client, activeWithinMs)) techniques[name]++
    }
    return { pages, techniques, activeWithinMs }
  }
}
