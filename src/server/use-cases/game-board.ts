import type { FeedPublisher } from '../feed/feed-types.ts'

/** One dot on the shared board. */
export interface Player {
  id: string
  name: string
  /** Position, 0–1 on each axis. */
  x: number
  y: number
}

export const gameLimits = {
  /** Board updates published per second at most, however many players move. */
  updatesPerSecond: 30,
  maxPlayers: 40,
  /** A player who has not moved for this long leaves the board. */
  idleMs: 15_000
} as const

/**
 * The shared board of the game use case. Players' moves arrive by any technique (a POST, or
 * a frame on the WebSocket); the board publishes where everyone is as one `board` event at
 * most 30 times a second, and only when something moved. Everybody sees the same board
 * through the one feed, so how smooth the dots move shows how each technique delivers.
 */
export class GameBoard {
  #feed: FeedPublisher
  #players = new Map<string, Player & { movedAt: number }>()
  #changed = false
  #timer: NodeJS.Timeout | undefined

  constructor(feed: FeedPublisher) {
    this.#feed = feed
  }

  /** Moves (or adds) a player; false when the board is full. */
  move(player: Player): boolean {
    if (!this.#players.has(player.id) && this.#players.size >= gameLimits.maxPlayers) return false
    this.#players.set(player.id, { ...player, movedAt: Date.now() })
    this.#changed = true
    return true
  }

  get players(): Player[] {
    return [...this.#players.values()].map(({ id, name, x, y }) => ({ id, name, x, y }))
  }

  start(): void {
    this.#timer = setInterval(() => this.#publish(), 1000 / gameLimits.updatesPerSecond)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  #publish(): void {
    const idleSince = Date.now() - gameLimits.idleMs
    for (const [id, player] of this.#players)
      if (player.movedAt < idleSince) {
        this.#players.delete(id)
        this.#changed = true
      }
    if (!this.#changed) return
    this.#changed = false
    // A board the shared store could not take is sent again with the next move.
    Promise.resolve(this.#feed.publish('board', { players: this.players })).catch(() => {
      this.#changed = true
    })
  }
}
