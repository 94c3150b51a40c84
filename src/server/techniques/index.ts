import type { FastifyPluginAsync } from 'fastify'
import type { TechniqueName } from '../../shared/techniques.ts'
import ajax from './ajax.ts'
import longPolling from './long-polling.ts'
import polling from './polling.ts'
import type { PushOptions } from './push-buffer.ts'
import refresh from './refresh.ts'
import sse, { type SseOptions } from './sse.ts'
import websocket from './websocket.ts'

/** Options handed to every technique plugin. */
export type TechniqueOptions = SseOptions & PushOptions

/** Every technique's server side, by name. Adding a technique is one file and one line here. */
export const techniques: Record<TechniqueName, FastifyPluginAsync<TechniqueOptions>> = {
  refresh,
  ajax,
  polling,
  'long-polling': longPolling,
  sse,
  websocket
}
