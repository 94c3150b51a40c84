import type { RedisClient } from '../redis-client.ts'

// Renews the lease only while this instance still holds it, in one step.
const renewScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`
// Gives it up only if it is still ours: another instance may hold it already.
const releaseScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

export interface TickerLeaseOptions {
  /** The Redis key of the lease. */
  key?: string
  /** How long a lease lasts unless renewed: an instance that dies is replaced within about this long. */
  ttlMs?: number
  /** Told when this instance gains (true) or loses (false) the lease. */
  onChange(held: boolean): void
}

/**
 * Exactly one ticker in the whole set: the instance holding this lease (a Redis key set with NX and
 * an expiry, renewed three times per expiry) ticks. When it dies its lease runs out, and the next
 * instance to try takes it. One that cannot reach Redis stops ticking once its lease may have run out,
 * so two never tick for long at once.
 */
export class TickerLease {
  readonly holder: string
  /** The client, with every command given up after a third of the lease: a hung reply must not stall the loop. */
  #client: RedisClient
  #key: string
  #ttlMs: number
  #onChange: (held: boolean) => void
  #held = false
  /** When the lease was last taken or renewed (performance.now() ms). */
  #renewedAt = 0
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(
    client: RedisClient,
    holder: string,
    { key = 'wirewatch:ticker-lease', ttlMs = 3000, onChange }: TickerLeaseOptions
  ) {
    this.#client = client.withCommandOptions({ timeout: ttlMs / 3, rejectInFlight: true }) as RedisClient
    this.holder = holder
    this.#key = key
    this.#ttlMs = ttlMs
    this.#onChange = onChange
  }

  get held(): boolean {
    return this.#held
  }

  start(): void {
    this.#stopped = false
    void this.#step()
  }

  /** Stops trying and gives the lease up at once, so another instance ticks without waiting for it to run out. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    if (!this.#held) return
    this.#set(false)
    await this.#client.eval(releaseScript, { keys: [this.#key], arguments: [this.holder] }).catch(() => {})
  }

  async #step(): Promise<void> {
    try {
      if (this.#held) {
        const renewed = await this.#client.eval(renewScript, {
          keys: [this.#key],
          arguments: [this.holder, String(this.#ttlMs)]
        })
        if (renewed === 1) this.#renewedAt = performance.now()
        else this.#set(false)
      } else {
        const taken = await this.#client.set(this.#key, this.holder, {
          condition: 'NX',
          expiration: { type: 'PX', value: this.#ttlMs }
        })
        if (taken === 'OK') {
          this.#renewedAt = performance.now()
          this.#set(true)
        }
      }
    } catch {
      // Redis unreachable: ours until it may have run out, then another instance may tick.
      if (this.#held && performance.now() - this.#renewedAt > this.#ttlMs) this.#set(false)
    }
    if (this.#stopped) return
    this.#timer = setTimeout(() => void this.#step(), this.#ttlMs / 3)
    this.#timer.unref()
  }

  #set(held: boolean): void {
    if (held === this.#held) return
    this.#held = held
    if (!this.#stopped || !held) this.#onChange(held)
  }
}
