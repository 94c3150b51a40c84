import type { FeedEvent } from '../../shared/feed-event.ts'
import { limits } from '../../shared/feed-event.ts'
import { ChatNameInvalid, ChatTextInvalid } from '../errors.ts'
import type { FeedPublisher } from './feed-types.ts'

/**
 * Checks a chat text (and the optional name of who wrote it) and publishes it. Shared by `POST /feed/messages` and the
 * WebSocket, so both paths accept exactly the same texts.
 * Length is counted in code points, as a person counts characters. In memory the event is in the feed
 * when this returns (its promise only carries it); through the shared store it is once Redis numbered it.
 */
export async function publishChat(feed: FeedPublisher, text: string, name?: string): Promise<FeedEvent> {
  const trimmed = text.trim()
  const length = [...trimmed].length
  if (length < 1 || length > limits.chatTextMax) throw new ChatTextInvalid()
  const who = name?.trim() ?? ''
  if ([...who].length > limits.chatNameMax) throw new ChatNameInvalid()
  return feed.publish('chat', who ? { text: trimmed, name: who } : { text: trimmed })
}
