import type { TechniqueName } from '../../shared/techniques.ts'
import type { TechniqueDefinition } from '../technique-client.ts'
import { ajax } from './ajax.ts'
import { longPolling } from './long-polling.ts'
import { polling } from './polling.ts'
import { refresh } from './refresh.ts'
import { sse } from './sse.ts'
import { websocket } from './websocket.ts'

/** The six browser clients, by the same names as the server's technique plugins. */
export const techniques: Record<TechniqueName, TechniqueDefinition> = {
  refresh,
  ajax,
  polling,
  'long-polling': longPolling,
  sse,
  websocket
}
