import './network-controls.css'
import { type NetworkConditions, networkLimits } from '../../shared/capture.ts'
import { ask } from '../platform/ask.ts'
import { h } from '../platform/dom.ts'
import { presenterOnly, presenterRequest, presenterToken } from '../platform/presenter-token.ts'
import type { WireLive } from '../platform/wire-live.ts'

// Dragging the slider sends one PUT when it rests, not one per pixel.
const debounceMs = 300
const step = 10

/**
 * The simulated round-trip time. It changes the one server every page shares,
 * so the control always shows what the server says (pushed on `/wire/live`),
 * and every open page shows the same value and banner.
 */
export class NetworkControls {
  #clientId: string
  #range = h('input', {
    type: 'range',
    id: 'network-rtt-range',
    name: 'rtt-range',
    min: '0',
    max: String(networkLimits.rttMaxMs),
    step: String(step),
    value: '0',
    'aria-describedby': 'network-how'
  })
  #number = h('input', {
    type: 'number',
    id: 'network-rtt',
    name: 'rtt',
    min: '0',
    max: String(networkLimits.rttMaxMs),
    step: String(step),
    value: '0',
    inputmode: 'numeric',
    'aria-label': 'simulated round trip in ms',
    'aria-describedby': 'network-how'
  })
  #error = h('output', { class: 'refusal', role: 'alert', for: 'network-rtt' })
  #bannerValue = h('strong', { 'data-stat': 'simulated-rtt' }, '0')
  #banner = h('p', { class: 'network-banner', role: 'status', hidden: '' }, 'simulated RTT ', this.#bannerValue, ' ms')
  #timer: ReturnType<typeof setTimeout> | undefined
  /** The server's value as last heard. */
  #server = 0
  #sending = false
  /** A part of the page that already says the round trip is on screen: the banner would only cover it. */
  #saidOnScreen = false

  constructor(container: Element, clientId: string, wireLive: WireLive) {
    this.#clientId = clientId
    const fieldset = h(
      'fieldset',
      { class: 'network' },
      h('legend', {}, h('span', { class: 'simulated-tag' }, 'simulated'), ' network'),
      h(
        'div',
        { class: 'network-inputs' },
        h('label', { for: 'network-rtt-range' }, 'Simulated round trip'),
        this.#range,
        h('span', { class: 'network-value' }, this.#number, ' ms')
      ),
      h(
        'p',
        { id: 'network-how', class: 'network-how' },
        'SIMULATED: added by the server to every technique alike: one RTT per new connection’s handshake, one per ',
        'request/response, half per pushed event or frame. The real network here is much faster.'
      ),
      this.#error
    )
    container.append(fieldset, this.#banner)
    if (presenterToken() === undefined) {
      // It acts on every page in the room, so only the presenter may change it; everyone sees it.
      this.#range.disabled = true
      this.#number.disabled = true
      fieldset.title = presenterOnly
    }
    this.#range.addEventListener('input', () => {
      this.#number.value = this.#range.value
      this.#schedule()
    })
    this.#number.addEventListener('input', () => {
      this.#range.value = this.#number.value
      this.#schedule()
    })
    this.#number.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.#send()
    })
    wireLive.listen({ network: (network) => this.#heard(network) })
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#send(), debounceMs)
  }

  async #send(): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const rttMs = Number(this.#number.value)
    if (this.#number.value === '' || rttMs === this.#server) return
    this.#error.textContent = ''
    this.#sending = true
    const asked = await ask(() => presenterRequest(`/wire/network?client=${this.#clientId}`, 'PUT', { rttMs }))
    this.#sending = false
    if (asked.ok) return this.#heard((await asked.response.json()) as NetworkConditions)
    this.#error.textContent = `Not changed: ${asked.why}.`
    this.#show(this.#server) // what the server really does
  }

  #heard(network: NetworkConditions): void {
    this.#server = network.rttMs
    // Someone is dragging or typing here: let them finish; their PUT's answer will be shown.
    if (this.#timer === undefined && !this.#sending) this.#show(network.rttMs)
    this.#bannerValue.textContent = String(network.rttMs)
    this.#showBanner()
  }

  /** Keeps the banner away while `element`, which says the same (the race view's conditions), is in view. */
  quietWhileShown(element: Element): void {
    new IntersectionObserver(([entry]) => {
      this.#saidOnScreen = entry?.isIntersecting ?? false
      this.#showBanner()
    }).observe(element)
  }

  #showBanner(): void {
    this.#banner.hidden = this.#server <= 0 || this.#saidOnScreen
  }

  #show(rttMs: number): void {
    this.#range.value = String(rttMs)
    this.#number.value = String(rttMs)
  }
}
