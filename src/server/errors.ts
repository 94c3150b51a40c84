import createError from '@fastify/error'
import { limits } from '../shared/feed-event.ts'

// Every error the API can answer with, declared once with its code and status.
// Fastify turns them into `{ statusCode, code, error, message }`.

export const ChatTextInvalid = createError(
  'WW_ERR_CHAT_TEXT',
  `chat text must be 1 to ${limits.chatTextMax} characters after trimming`,
  400
)

export const ChatNameInvalid = createError(
  'WW_ERR_CHAT_NAME',
  `a chat name must be at most ${limits.chatNameMax} characters after trimming`,
  400
)

export const PlayerNameInvalid = createError(
  'WW_ERR_PLAYER_NAME',
  `a player name must be at most ${limits.chatNameMax} characters after trimming`,
  400
)

export const OriginRefused = createError(
  'WW_ERR_ORIGIN',
  "WebSocket refused: Origin %s is not this server's own nor in ALLOWED_ORIGINS",
  403
)

export const SubprotocolRefused = createError(
  'WW_ERR_SUBPROTOCOL',
  'WebSocket refused: this server speaks no subprotocol, so send no Sec-WebSocket-Protocol header',
  400
)

export const NotAWebSocket = createError(
  'WW_ERR_NOT_WEBSOCKET',
  '%s only speaks WebSocket: send an Upgrade request',
  426
)

/** `GET /wire/handshake` for a page that has not opened the WebSocket panel yet. */
export const NoHandshakeYet = createError(
  'WW_ERR_NO_HANDSHAKE',
  'no WebSocket on /feed/websocket has been captured for client %s yet',
  404
)

/** Handler for the plain-HTTP side of a WebSocket route: tell the client to upgrade. */
export async function refuseWithoutUpgrade(request: { url: string }): Promise<never> {
  throw new NotAWebSocket(request.url)
}

/** Any address no route answers (Fastify's own 404, with a code); a browser gets a page instead (`not-found.ts`). */
export const RouteNotFound = createError('WW_ERR_NOT_FOUND', 'Route %s:%s not found', 404)

export const UnknownLesson = createError('WW_ERR_UNKNOWN_LESSON', 'there is no lesson "%s"', 404)

/** A section the lesson does not have: the projector would show nothing, and the console no controls. */
export const UnknownSection = createError('WW_ERR_UNKNOWN_SECTION', 'lesson "%s" has no section "%s"', 404)

/** A teacher's control used without `Authorization: Bearer <presenter token>`. */
export const PresenterTokenMissing = createError(
  'WW_ERR_PRESENTER_TOKEN_MISSING',
  "only the presenter can do this: send the presenter URL's token as Authorization: Bearer <token>",
  401
)

export const PresenterTokenWrong = createError(
  'WW_ERR_PRESENTER_TOKEN_WRONG',
  'the presenter token is wrong: open the presenter URL the server printed at start',
  403
)

export const TooManyJobs = createError(
  'WW_ERR_TOO_MANY_JOBS',
  '%d progress jobs are running already: wait for one to finish',
  429
)

export const BoardFull = createError('WW_ERR_BOARD_FULL', 'the game board is full (%d players): try again later', 409)

/** A page sending more than its share (chat, moves, jobs): see `sendLimits`. */
export const RateLimited = createError('WW_ERR_RATE_LIMITED', '%s', 429)

/** New requests while the event loop is stalled (see `maxEventLoopDelayMs`); open streams carry on. */
export const ServerOverloaded = createError(
  'WW_ERR_OVERLOADED',
  'the server is overloaded (its event loop is delayed): retry after the seconds in Retry-After',
  503
)

/** The student URL is made from the Host header; one longer than any DNS name is refused. */
export const HostTooLong = createError('WW_ERR_HOST', 'the Host header is longer than any host name', 400)

/** `PUT /classroom/prediction` naming a question no lesson has. */
export const UnknownQuestion = createError('WW_ERR_UNKNOWN_QUESTION', 'no lesson has the question "%s"', 404)

/** An answer to a question the teacher has not opened (or has closed). */
export const PredictionNotOpen = createError(
  'WW_ERR_PREDICTION_NOT_OPEN',
  'question "%s" is not open for answers: wait for the teacher to open it',
  409
)

/** A number answer out of range, or a choice the question does not have. */
export const PredictionValueInvalid = createError('WW_ERR_PREDICTION_VALUE', '%s', 400)

/** More pages answering than the room keeps (`predictionLimits.answersMax`). */
export const PredictionsFull = createError(
  'WW_ERR_PREDICTIONS_FULL',
  '%d pages have answered already: no more answers are kept for this question',
  409
)

/**
 * The shared feed store (Redis) could not be reached. An append refused before it was sent published
 * nothing; one cut off while waiting for its answer may have been stored, and followers then deliver it.
 */
export const FeedStoreUnavailable = createError('WW_ERR_FEED_STORE', 'the shared feed store is unreachable: %s', 503)

/**
 * The store the instances share the room through (Redis) could not be reached: the change was not
 * made anywhere, since it could not reach the pages connected to the other instances.
 */
export const RoomStoreUnavailable = createError(
  'WW_ERR_ROOM_STORE',
  'the shared room store is unreachable: nothing was changed, try again in a moment',
  503
)
