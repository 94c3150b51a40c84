import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { ClassroomState } from '../../shared/classroom.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import type { TickerSettings } from '../../shared/ticker-settings.ts'
import type { Ticker } from '../feed/ticker.ts'
import type { Classroom } from './classroom.ts'
import { RedisPredictionStore } from './redis-predictions.ts'
import { type RoomRedis, SharedValue } from './shared-value.ts'

export interface ShareRoomOptions {
  classroom: Classroom
  ticker: Ticker
  /** Connected; this room makes (and closes) one duplicate of it for SUBSCRIBE. */
  redis: RoomRedis
  /** Cuts this instance's technique connections: a network cut heard from another instance does it here too. */
  cutConnections?: () => void
  /** Told of every Redis error; sharing carries on once Redis is back. */
  onError?: (error: Error) => void
}

/** A room shared by `shareRoom`. */
export interface SharedRoom {
  /** This instance's id in the announcements. */
  readonly instance: string
  /** Stops sharing: this instance's room is in memory again (from the state it has now). */
  close(): Promise<void>
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Keeps this instance's room in step with every instance pointed at the same Redis: the classroom
 * state (whole, `revision` counted on one counter for all), the prediction's question and answers
 * (kept in Redis, so one tally), and the ticker's settings. A change made here is published; one
 * made elsewhere is applied here, so this instance's pages hear it as usual, and never echoed back.
 *
 * While Redis is away the presenter's classroom changes and the prediction's routes answer 503
 * (`WW_ERR_ROOM_STORE`): a change other instances' pages would not hear is not made at all. The
 * ticker's settings (changed by a route this module cannot refuse) apply here at once and are
 * published once Redis is back.
 *
 * `networkCutUntil` is an epoch time read by every instance's own clock: instances need
 * synchronised clocks (NTP), or a cut lasts longer or shorter on some of them.
 */
export async function shareRoom({
  classroom,
  ticker,
  redis,
  cutConnections,
  onError = () => {}
}: ShareRoomOptions): Promise<SharedRoom> {
  const instance = randomUUID()
  const subscriber = redis.duplicate()
  // An 'error' event without a listener would crash the process; node-redis reconnects by itself.
  subscriber.on('error', onError)
  await subscriber.connect()

  // Set while applying another instance's value, so our own listeners do not publish it back.
  let applying = false
  const applied = (apply: () => void) => {
    applying = true
    try {
      apply()
    } catch (error) {
      onError(error as Error)
    } finally {
      applying = false
    }
  }

  const room = new SharedValue<ClassroomState>({
    redis,
    subscriber,
    name: 'classroom',
    instance,
    onError,
    current: () => classroom.state,
    apply: (state, revision) => {
      const before = classroom.state
      const next = { ...state, revision }
      if (sameJson(before, next)) return
      applied(() => classroom.replace(next))
      // A cut made elsewhere cuts the connections open here, as the cut route does on its own instance.
      if (next.networkCutUntil > Date.now() && next.networkCutUntil !== before.networkCutUntil) cutConnections?.()
    }
  })
  const settings = new SharedValue<TickerSettings>({
    redis,
    subscriber,
    name: 'ticker',
    instance,
    onError,
    current: () => ticker.settings,
    apply: (value) => {
      if (!sameJson(ticker.settings, value)) applied(() => ticker.update(value))
    }
  })

  const stops = [
    // The change is applied here already (under a revision one past the last seen); Redis renumbers it
    // if another instance changed the room meanwhile, and every instance then takes the newest.
    classroom.onChange((state) => {
      if (!applying) room.offer(state, Math.max(room.seen, state.revision - 1))
    }),
    ticker.onChange((value) => {
      if (!applying) settings.offer(value)
    }),
    classroom.requireReachable(() => redis.isReady)
  ]
  const inMemory = classroom.predictions
  classroom.predictions = new RedisPredictionStore(redis)

  try {
    await room.start()
    await settings.start()
  } catch (error) {
    onError(error as Error)
  }

  return {
    instance,
    async close() {
      for (const stop of stops) stop()
      classroom.predictions = inMemory
      room.stop()
      settings.stop()
      subscriber.destroy()
    }
  }
}

export interface SharedRoomOptions {
  /** A connected node-redis client (REDIS_URL); without one the room stays in this process. */
  redis?: RoomRedis
}

/** Shares `app.classroom` and `app.ticker` through `redis` (see `shareRoom`) until the app closes. */
const sharedRoom: FastifyPluginAsync<SharedRoomOptions> = async (app, { redis }) => {
  if (!redis) return
  const room = await shareRoom({
    classroom: app.classroom,
    ticker: app.ticker,
    redis,
    cutConnections: () => app.wire.cut(undefined, [...techniqueNames, 'messages'], 'connections'),
    onError: (error) => app.log.warn({ err: error }, 'shared room: Redis error (sharing resumes when it is back)')
  })
  app.addHook('onClose', () => room.close())
}

export default fp(sharedRoom, {
  name: 'shared-room',
  dependencies: ['wire'],
  decorators: { fastify: ['classroom', 'ticker'] }
})
