import { createClient } from 'redis'

// Only for its type: what `createClient({ url })` returns (no modules or scripts; RESP3, node-redis 6's default).
const plainClient = (url: string) => createClient({ url })

/** A connected node-redis client, as `createClient({ url })` makes it. */
export type RoomRedis = ReturnType<typeof plainClient>

// One atomic step per change, so the key and the channel agree on the order of changes.
// KEYS: the value (an envelope), the revision counter. ARGV: floor, sender (JSON string), value (JSON),
// channel, and '1' to write only when the key holds nothing (an instance offering its own value to a
// Redis that restarted empty must not overwrite a change another instance has just written).
// The counter is raised past `floor` (the highest revision the sender has seen) before counting,
// so revisions keep rising even when Redis restarted empty. Returns the envelope the key holds.
const PUBLISH_SCRIPT = `
if ARGV[5] == '1' then
  local stored = redis.call('GET', KEYS[1])
  if stored then return stored end
end
local revision = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(ARGV[1])) + 1
redis.call('SET', KEYS[2], revision)
local envelope = '{"revision":' .. revision .. ',"from":' .. ARGV[2] .. ',"value":' .. ARGV[3] .. '}'
redis.call('SET', KEYS[1], envelope)
redis.call('PUBLISH', ARGV[4], envelope)
return envelope
`

interface Envelope<T> {
  revision: number
  from: string
  value: T
}

export interface SharedValueOptions<T> {
  /** Commands; its 'ready' (a reconnection) makes this value load again. */
  redis: RoomRedis
  /** A connection of its own for SUBSCRIBE, connected. */
  subscriber: RoomRedis
  /** Names the key, its counter and the channel: `{wirewatch:room}:<name>`. */
  name: string
  /** This instance's id: its own announcements are not applied twice. */
  instance: string
  /** The value here, written to Redis when Redis has none (it restarted empty). */
  current: () => T
  /** Takes a newer value: another instance's, or ours again under the revision Redis gave it. */
  apply: (value: T, revision: number) => void
  /** Told of every Redis error; the value carries on and loads again once Redis is back. */
  onError: (error: Error) => void
}

/**
 * One value kept in step across instances: a change is written to a Redis key and announced on a
 * channel in one step, under a revision that only rises; every instance applies announcements
 * newer than what it has, and loads the key when it starts or Redis comes back. A change offered
 * while Redis is away is kept and published once it is back: the newest one made here wins then.
 */
export class SharedValue<T> {
  readonly key: string
  readonly channel: string
  #counter: string
  #options: SharedValueOptions<T>
  #seen = 0
  #pending: { value: T; floor: number } | undefined
  #syncing: Promise<void> | undefined
  #syncAgain = false
  /** Counts offers, so a failed one is kept only while no newer one was made. */
  #offers = 0
  #stopped = false
  #onReady = () => void this.sync()

  constructor(options: SharedValueOptions<T>) {
    this.#options = options
    // One hash tag, so the script's keys stay in one slot of a Redis Cluster.
    this.key = `{wirewatch:room}:${options.name}`
    this.#counter = `{wirewatch:room}:${options.name}:revision`
    this.channel = this.key
  }

  /** Highest revision applied or published here. */
  get seen(): number {
    return this.#seen
  }

  /** Subscribes, loads the current value, and from then on loads again after every reconnection. */
  async start(): Promise<void> {
    const { redis, subscriber } = this.#options
    await subscriber.subscribe(this.channel, (message) => this.#heard(message))
    redis.on('ready', this.#onReady)
    // Node-redis subscribes again by itself on reconnecting; what was announced meanwhile is in the key.
    subscriber.on('ready', this.#onReady)
    await this.sync()
  }

  /** Stops applying and publishing; the subscriber connection is its owner's to close. */
  stop(): void {
    this.#stopped = true
    const { redis, subscriber } = this.#options
    redis.off('ready', this.#onReady)
    subscriber.off('ready', this.#onReady)
    // Not awaited: a Redis that stopped answering must not hold up the app's close (destroying the connection ends it).
    if (subscriber.isReady) subscriber.unsubscribe(this.channel).catch(() => {})
  }

  /**
   * Shares a change made here; `floor` is the highest revision it must come after (default: the
   * highest seen). While Redis is away the change is kept, and published once it is back.
   */
  offer(value: T, floor = this.#seen): void {
    if (this.#stopped) return
    const offer = ++this.#offers
    this.#pending = { value, floor }
    if (!this.#options.redis.isReady) return
    this.#pending = undefined
    this.#publish(value, floor).catch((error: Error) => {
      if (offer === this.#offers) this.#pending = { value, floor }
      this.#options.onError(error)
    })
  }

  /** Publishes what was changed here while Redis was away, or else takes Redis's value (or writes ours if it has none). */
  sync(): Promise<void> {
    // One at a time, and once more if asked meanwhile: the subscriber may come back after the
    // other connection's load, and what was announced in between is only in the key.
    if (this.#syncing) {
      this.#syncAgain = true
      return this.#syncing
    }
    this.#syncing = this.#sync()
      .catch((error: Error) => this.#options.onError(error))
      .finally(() => {
        this.#syncing = undefined
        if (this.#syncAgain) {
          this.#syncAgain = false
          void this.sync()
        }
      })
    return this.#syncing
  }

  async #sync(): Promise<void> {
    if (this.#stopped || !this.#options.redis.isReady) return
    const pending = this.#pending
    if (pending) {
      this.#pending = undefined
      await this.#publish(pending.value, pending.floor).catch((error: Error) => {
        this.#pending ??= pending
        throw error
      })
      return
    }
    await this.#publish(this.#options.current(), this.#seen, { onlyIfAbsent: true })
  }

  async #publish(value: T, floor: number, { onlyIfAbsent = false } = {}): Promise<void> {
    const { redis, instance } = this.#options
    const stored = await redis.eval(PUBLISH_SCRIPT, {
      keys: [this.key, this.#counter],
      arguments: [
        String(Math.max(floor, 0)),
        JSON.stringify(instance),
        JSON.stringify(value),
        this.channel,
        onlyIfAbsent ? '1' : '0'
      ]
    })
    // Ours, under the revision Redis gave it, or what was there; either way taken if newer than what we have
    // (a newer announcement may have been applied while we waited: then ours is already superseded).
    this.#take(String(stored))
  }

  #heard(message: string): void {
    let envelope: Envelope<T>
    try {
      envelope = JSON.parse(message) as Envelope<T>
    } catch (error) {
      this.#options.onError(error as Error)
      return
    }
    // Our own: applied when the script answered, with the same revision.
    if (envelope.from === this.#options.instance) return
    this.#take(message, envelope)
  }

  #take(message: string, envelope = JSON.parse(message) as Envelope<T>): void {
    if (this.#stopped || !(envelope.revision > this.#seen)) return
    this.#seen = envelope.revision
    this.#options.apply(envelope.value, envelope.revision)
  }
}
