import type { FastifyPluginAsync } from 'fastify'
import type { WireLiveClientMessage, WireLiveServerMessage } from '../../../shared/websocket-messages.ts'
import { closeCodes } from '../../../shared/websocket-messages.ts'
import { refuseWithoutUpgrade } from '../../errors.ts'
import { clientQuerySchema } from '../../schemas.ts'

const liveIntervalMs = 500
/** Most capture items in one `/wire/live` message; a busier half second is sent in several. */
const captureBatchMax = 500

/**
 * `/wire/live`: the page's live channel. It pushes this page's counters every half second over a
 * WebSocket (so the page's own stats never borrow, or add, an HTTP connection from the pool the
 * techniques are measured on), its captured items, the feed's publications, and the room's state.
 * A report costs the page's own connections (the accounting keeps each page's counters as bytes move).
 */
const liveChannel: FastifyPluginAsync = async (app) => {
  const querystring = clientQuerySchema

  app.route<{ Querystring: { client?: string } }>({
    method: 'GET',
    url: '/wire/live',
    schema: { querystring },
    preValidation: app.checkOrigin,
    handler: refuseWithoutUpgrade,
    wsHandler: (socket, request) => {
      const { client } = request.query
      const send = (message: WireLiveServerMessage) => socket.send(JSON.stringify(message))
      const report = () => send({ type: 'report', report: app.pageReport(client) })
      // Every item captured for this page reaches it, however fast: the store's rings keep only the last few.
      const live = client === undefined ? undefined : app.capture.openOutbox(client)
      let unsent = live?.kept ?? []
      const pushCapture = () => {
        if (!live) return
        const items = unsent.length > 0 ? [...unsent, ...live.outbox.take()] : live.outbox.take()
        unsent = []
        for (let from = 0; from < items.length; from += captureBatchMax)
          send({ type: 'capture', items: items.slice(from, from + captureBatchMax) })
      }
      // A page is captured unless told otherwise: a room bigger than the capture has pages it does not keep.
      let coveredAsTold = true
      const captureStatus = () => {
        if (client === undefined) return
        const covered = app.capture.covers(client)
        if (covered === coveredAsTold) return
        coveredAsTold = covered
        send({ type: 'capture-status', captured: coveredAsTold, maxPages: app.capture.maxPages })
      }
      // The newest event id this socket has been told was published.
      let published = app.feed.latest
      const pushPublished = () => {
        const { events } = app.feed.since(published)
        const last = events.at(-1)
        if (!last) return
        published = last.id
        send({ type: 'published', events: events.map(({ id, at }) => ({ id, at })) })
      }
      const network = (rttMs: number) => send({ type: 'network', network: { rttMs } })
      report()
      captureStatus()
      network(app.network.rttMs)
      send({ type: 'classroom', classroom: app.classroom.state })
      send({ type: 'ticker', ticker: app.ticker.settings })
      const stopClassroom = app.classroom.onChange((classroom) => send({ type: 'classroom', classroom }))
      const stopTicker = app.ticker.onChange((ticker) => send({ type: 'ticker', ticker }))
      const shared = app.sharedFeed
      if (shared) send({ type: 'feed-store', reachable: shared.reachable })
      const stopFeedStore = shared?.onReachability((reachable) => send({ type: 'feed-store', reachable }))
      // Every page keeps this connection open: it is how the presenter counts the room.
      const leave = client === undefined ? () => {} : app.audience.join(client)
      const unwatch = client === undefined ? () => {} : app.watchPage(client)
      // One TCP write for the half second's messages, not one per message: with a thousand pages the
      // system calls were most of this channel's cost. The upgraded request's socket is the one `ws` writes to.
      const tcp = request.raw.socket
      const timer = setInterval(() => {
        tcp.cork()
        report()
        pushPublished()
        pushCapture()
        captureStatus()
        process.nextTick(() => tcp.uncork())
      }, liveIntervalMs)
      const stopNetwork = app.network.onChange(({ rttMs }) => network(rttMs))
      socket.on('close', () => {
        clearInterval(timer)
        live?.close()
        stopNetwork()
        stopClassroom()
        stopTicker()
        stopFeedStore?.()
        leave()
        unwatch()
      })
      socket.on('message', (data, isBinary) => {
        if (isBinary) return socket.close(closeCodes.unsupportedData, 'binary messages are not supported')
        let message: WireLiveClientMessage
        try {
          message = JSON.parse(data.toString())
        } catch {
          return socket.close(closeCodes.invalidPayload, 'expected JSON')
        }
        // Clock samples let the page turn server timestamps into its own clock to measure latency.
        if (message?.type === 'clock' && typeof message.t === 'number')
          send({ type: 'clock', t: message.t, server: app.sharedFeed?.now() ?? Date.now() })
        else socket.close(closeCodes.policyViolation, 'expected {"type":"clock","t":<number>}')
      })
    }
  })
}

export default liveChannel
