import { createClient, defineScript } from 'redis'
import type { FeedEvent } from '../../shared/feed-event.ts'
import { FeedStoreUnavailable } from '../errors.ts'

// One atomic step per event, so two instances publishing at once never share or skip an id.
// KEYS: the stream, the id counter, the last `at`. ARGV: floor, capacity, kind, data (JSON).
// A lost counter is taken from the stream's newest entry. A counter below `floor` (the highest id
// the caller has seen) means Redis lost its data (restarted empty, flushed, failed over to a stale replica). The caller
// may lag behind other instances by a few events it never read, so the counter jumps `capacity`
// past its floor: no id is ever used twice, and every cursor from before the loss gets the reset
// signal (an epoch change, as Centrifugo does it). `at` is Redis's TIME, kept non-decreasing.
const APPEND_SCRIPT = `
local floor = tonumber(ARGV[1])
local counter = tonumber(redis.call('GET', KEYS[2]) or '0')
if counter == 0 then
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
  if newest then
    counter = tonumber((string.gsub(newest[1], '-.*', '')))
    redis.call('SET', KEYS[2], counter)
  end
end
if counter < floor then redis.call('SET', KEYS[2], floor + tonumber(ARGV[2])) end
local id = redis.call('INCR', KEYS[2])
local time = redis.call('TIME')
local at = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
at = math.max(at, tonumber(redis.call('GET', KEYS[3]) or '0'))
redis.call('SET', KEYS[3], at)
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], id .. '-0', 'at', at, 'kind', ARGV[3], 'data', ARGV[4])
return { id, at }
`

const scripts = {
  appendEvent: defineScript({
    SCRIPT: APPEND_SCRIPT,
    NUMBER_OF_KEYS: 3,
    parseCommand(
      parser,
      keys: { stream: string; counter: string; lastAt: string },
      floor: number,
      capacity: number,
      kind: string,
      data: string
    ) {
      parser.pushKeys([keys.stream, keys.counter, keys.lastAt])
      parser.push(String(floor), String(capacity), kind, data)
    },
    transformReply: undefined as unknown as () => number[]
  })
}

/** How long a command may wait for Redis's answer before it counts as unanswered. */
export const commandTimeoutMs = 2000

function connectClient(url: string, connectTimeoutMs: number) {
  return createClient({
    url,
    scripts,
    // A command given while Redis is away fails at once instead of waiting in a queue: publishing
    // must answer "unavailable", never hang.
    disableOfflineQueue: true,
    // A link cut without a word (no FIN, no RST) would hold a command for ever: give up after 2 s.
    // Blocking reads (XREAD BLOCK) are not timed out once sent.
    commandOptions: { timeout: commandTimeoutMs, rejectInFlight: true },
    socket: {
      connectTimeout: connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000)
    }
  })
}

type Client = ReturnType<typeof connectClient>

interface StreamEntry {
  id: string
  message: Record<string, string>
}

export interface RedisFeedLogOptions {
  /** `redis://host:port` */
  url: string
  /** Names the stream and its counter, so feeds (and tests) can share one Redis. */
  name?: string
  /** Entries the stream keeps, roughly: `MAXLEN ~` trims whole nodes of entries. */
  capacity?: number
  /** How long a connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number
  /** Told of every Redis error; the log reconnects by itself. Without it, errors are dropped. */
  onError?: (error: Error) => void
}

export interface FollowOptions {
  /** Ids that can no longer be delivered (trimmed from the stream before the follower read them). */
  onGap?: (firstMissing: number, lastMissing: number) => void
  /** Errors of the reading connection; it reconnects and resumes after the last id it delivered. */
  onError?: (error: Error) => void
  /** How long one XREAD blocks. */
  blockMs?: number
}

/** A follower started by `follow`. */
export interface Following {
  /** Id of the last event delivered. */
  readonly lastId: number
  /** Ends the loop and closes its connection. */
  stop(): Promise<void>
}

/**
 * The feed's events in one Redis stream shared by every instance: `append` numbers and stores
 * an event in one atomic step, `range` reads after a cursor, `follow` delivers every new event.
 * Each event is the stream entry `<id>-0`, so reading by event id is reading by entry id.
 */
export class RedisFeedLog {
  readonly capacity: number
  readonly keys: { stream: string; counter: string; lastAt: string }
  #client: Client
  #highest = 0
  #followers = new Set<Following>()

  constructor({
    url,
    name = 'wirewatch:feed',
    capacity = 1000,
    connectTimeoutMs = 1000,
    onError
  }: RedisFeedLogOptions) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('feed capacity must be a positive integer')
    this.capacity = capacity
    // One hash tag, so the three keys of the script stay in one slot of a Redis Cluster.
    this.keys = { stream: `{${name}}:events`, counter: `{${name}}:id`, lastAt: `{${name}}:at` }
    this.#client = connectClient(url, connectTimeoutMs)
    // An 'error' event without a listener would crash the process.
    this.#client.on('error', (error: Error) => onError?.(error))
  }

  /**
   * Connects, waiting up to `waitMs`; rejects with `FeedStoreUnavailable` when Redis has not answered
   * by then. The client keeps trying in the background either way, so a Redis that comes later is used.
   */
  async connect({ waitMs = 5000 } = {}): Promise<void> {
    const connecting = this.#client.connect()
    // Settled later by a connection or by `close()`; the race below reports the wait.
    connecting.catch(() => {})
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs)
    })
    try {
      const connected = await Promise.race([connecting.then(() => true), gaveUp])
      if (!connected) throw new FeedStoreUnavailable(`no connection to Redis within ${waitMs} ms`)
    } catch (error) {
      if (error instanceof FeedStoreUnavailable) throw error
      throw Object.assign(new FeedStoreUnavailable((error as Error).message), { cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Highest event id this log has appended, read or delivered: the floor of its next append. */
  get highestSeen(): number {
    return this.#highest
  }

  /**
   * Numbers the event (the next id, never below `floor` + 1), stamps it with Redis's clock, and
   * stores it in the stream, as one atomic step. `floor` defaults to the highest id this log has seen.
   * Rejects with `FeedStoreUnavailable` when Redis is unreachable.
   */
  async append(kind: FeedEvent['kind'], data: FeedEvent['data'], floor = this.#highest): Promise<FeedEvent> {
    const reply = await storeCall(() =>
      this.#client.appendEvent(this.keys, floor, this.capacity, kind, JSON.stringify(data))
    )
    const id = Number(reply[0])
    const at = Number(reply[1])
    this.#see(id)
    return { id, at, kind, data }
  }

  /**
   * Redis's clock (TIME), epoch ms, the clock of every event's `at`; rejects when Redis does not answer
   * within `timeoutMs` (a cut link, a Redis away).
   */
  async time(timeoutMs: number): Promise<number> {
    const [seconds, micros] = await storeCall(() =>
      this.#client.withCommandOptions({ timeout: timeoutMs, rejectInFlight: true }).time()
    )
    return Number(seconds) * 1000 + Number(micros) / 1000
  }

  /** Up to `count` events with id > `afterId`, in order. */
  async range(afterId: number, count: number): Promise<FeedEvent[]> {
    const entries = await storeCall(() =>
      this.#client.xRange(this.keys.stream, `${afterId + 1}-0`, '+', { COUNT: count })
    )
    const events = (entries ?? []).map((entry) => eventOf(entry as StreamEntry))
    const last = events.at(-1)
    if (last) this.#see(last.id)
    return events
  }

  /**
   * Id of the oldest event the stream still holds, or undefined when it holds none. A cursor
   * below `oldestId() - 1` has lost events: the caller answers it with the reset signal.
   */
  async oldestId(): Promise<number | undefined> {
    const [first] = (await storeCall(() => this.#client.xRange(this.keys.stream, '-', '+', { COUNT: 1 }))) ?? []
    return first ? idOf(first.id) : undefined
  }

  /** Id of the newest event numbered so far (0 before the first, or after Redis lost its data). */
  async latestId(): Promise<number> {
    const value = await storeCall(() => this.#client.get(this.keys.counter))
    return value ? Number(value) : 0
  }

  /**
   * Calls `onEvent` for every event with id > `fromId`, in order and once, as they are appended,
   * from a blocking XREAD on a connection of its own. After an error it reconnects and resumes
   * after the last id it delivered. Should `onEvent` throw, the error goes to `onError` and the
   * loop goes on with the next event.
   */
  follow(fromId: number, onEvent: (event: FeedEvent) => void, options: FollowOptions = {}): Following {
    const { blockMs = 5000, onGap, onError } = options
    const reader = this.#client.duplicate()
    reader.on('error', (error: Error) => onError?.(error))
    const stopping = new AbortController()
    let lastId = fromId
    const deliver = (entry: StreamEntry) => {
      const event = eventOf(entry)
      if (event.id <= lastId) return
      if (event.id > lastId + 1) onGap?.(lastId + 1, event.id - 1)
      lastId = event.id
      this.#see(event.id)
      try {
        onEvent(event)
      } catch (error) {
        onError?.(error as Error)
      }
    }
    const loop = async () => {
      let failures = 0
      while (!stopping.signal.aborted) {
        try {
          if (!reader.isOpen) await reader.connect()
          const reply = await reader.xRead({ key: this.keys.stream, id: `${lastId}-0` }, { BLOCK: blockMs, COUNT: 500 })
          failures = 0
          for (const stream of (reply ?? []) as { messages: StreamEntry[] }[])
            for (const entry of stream.messages) deliver(entry)
        } catch (error) {
          if (stopping.signal.aborted) break
          onError?.(error as Error)
          failures++
          await pause(Math.min(50 * 2 ** failures, 1000), stopping.signal)
        }
      }
    }
    const done = loop()
    const following: Following = {
      get lastId() {
        return lastId
      },
      stop: async () => {
        if (stopping.signal.aborted) return done
        stopping.abort()
        this.#followers.delete(following)
        // The blocked XREAD holds the connection: destroying it ends the read at once.
        reader.destroy()
        await done
      }
    }
    this.#followers.add(following)
    return following
  }

  /** Stops every follower and closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#followers].map((following) => following.stop()))
    this.#client.destroy()
  }

  #see(id: number): void {
    if (id > this.#highest) this.#highest = id
  }
}

/** Runs a Redis call; any failure becomes `FeedStoreUnavailable` with the cause attached. */
async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    throw Object.assign(new FeedStoreUnavailable((error as Error).message), { cause: error })
  }
}

function idOf(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf('-')))
}

function eventOf(entry: StreamEntry): FeedEvent {
  const { at, kind, data } = entry.message
  return {
    id: idOf(entry.id),
    at: Number(at),
    kind: kind as FeedEvent['kind'],
    data: JSON.parse(data ?? '{}') as FeedEvent['data']
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
