import './feed-conditions.css'
import { describeTicker } from '../../shared/ticker-settings.ts'
import { h } from '../platform/dom.ts'
import { pageProtocol, protocolName } from '../platform/page-protocol.ts'
import type { WireLive } from '../platform/wire-live.ts'

/**
 * The conditions every figure near it was measured under, as the server reports them: the feed's
 * rate and arrival pattern, and the simulated round trip when there is one; and the HTTP version
 * this page came over, as the browser reports it. Shown wherever the page shows live numbers, so a
 * number is never read without the rate (and protocol) that produced it.
 */
export function feedConditions(live: WireLive): HTMLElement {
  const feed = h('span', { class: 'feed-rate' }, 'the feed: –')
  const simulated = h('span', { class: 'feed-simulated', hidden: '' })
  const paused = h(
    'span',
    { class: 'feed-store-paused', 'data-feed-store': 'unreachable', role: 'status', hidden: '' },
    'FEED PAUSED: the shared store is unreachable; nothing is published until it is back'
  )
  // Several instances behind a balancer: each counts only its own sockets, so the figures are their sum.
  const instances = h('span', { class: 'feed-instances', hidden: '' })
  live.listen({
    feedStore: (reachable) => (paused.hidden = reachable),
    report: (report) => {
      const names = [...(report.instances ?? [])].sort()
      instances.hidden = names.length === 0
      instances.dataset.instances = names.join(' ')
      instances.textContent =
        names.length > 1
          ? `figures: instances ${names.join(' + ')} added up`
          : report.othersUnknown
            ? `figures: instance ${names[0] ?? ''} only (the other instances' counts are unreachable)`
            : `figures: instance ${names[0] ?? ''} only (no other has served this page)`
    },
    ticker: (settings) => (feed.textContent = `the feed: ${describeTicker(settings)}`),
    network: ({ rttMs }) => {
      simulated.hidden = rttMs === 0
      simulated.textContent = `SIMULATED round trip ${rttMs} ms`
    }
  })
  const protocol = pageProtocol()
  const over = h(
    'span',
    { class: 'page-protocol', 'data-protocol': protocol },
    `this page over ${protocolName(protocol)}`
  )
  return h('p', { class: 'feed-conditions' }, paused, feed, simulated, instances, ...(protocol ? [over] : []))
}
