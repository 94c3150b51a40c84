import './feed-conditions.css'
import { describeTicker } from '../../shared/ticker-settings.ts'
import { h } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'

/**
 * The conditions every figure near it was measured under, as the server reports them: the feed's
 * rate and arrival pattern, and the simulated round trip when there is one. Shown wherever the
 * page shows live numbers, so a number is never read without the rate that produced it.
 */
export function feedConditions(live: WireLive): HTMLElement {
  const feed = h('span', { class: 'feed-rate' }, 'the feed: –')
  const simulated = h('span', { class: 'feed-simulated', hidden: '' })
  live.listen({
    ticker: (settings) => (feed.textContent = `the feed: ${describeTicker(settings)}`),
    network: ({ rttMs }) => {
      simulated.hidden = rttMs === 0
      simulated.textContent = `SIMULATED round trip ${rttMs} ms`
    }
  })
  return h('p', { class: 'feed-conditions' }, feed, simulated)
}
