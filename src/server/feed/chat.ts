import type { FeedEvent } from '../../shared/feed-event.ts'
import { limits } from '../../shared/feed-event.ts'
import { ChatTextInvalid } from '../errors.ts'
import type { Feed } from './feed.ts'

/**
 * Checks a chat text and publishes it. Shared by `POST /feed/messages` and the
 * WebSocket, so both paths accept exactly the same texts.
 * Length is counted in code points, as a person counts characters.
 */
export function publishChat(feed: Feed, text: string): FeedEvent {
  const trimmed = text.trim()
  const length = [...trimmed].length
  if (length < 1 || length > limits.chatTextMax) throw new ChatTextInvalid()
  return feed.publish('chat', { text: trimmed })
}
