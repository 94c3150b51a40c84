import './cost-calculator.css'
import { limits } from '../../shared/feed-event.ts'
import {
  type Asking,
  isTechniqueName,
  type TechniqueName,
  techniqueNames,
  techniques
} from '../../shared/techniques.ts'
import type { TickerSettings } from '../../shared/ticker-settings.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import type { DeliveryStats } from '../delivery/delivery-stats.ts'
import { h } from '../platform/dom.ts'
import type { WireLive } from '../platform/wire-live.ts'
import { type CostEstimate, type CostSettings, estimateCost } from './cost-model.ts'
import { textbookFigures, textbookOverhead } from './textbook-figures.ts'

const number = new Intl.NumberFormat('en', { maximumFractionDigits: 2 })
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })

/** Bytes per second as people read them: kB/s or MB/s (1 kB = 1000 B) when large, with the exact bytes after. */
function perSecond(bytes: number): [string, string?] {
  const exact = `${whole.format(bytes)} B/s`
  if (bytes < 1_000) return [exact]
  const [value, unit] = bytes < 1_000_000 ? [bytes / 1_000, 'kB/s'] : [bytes / 1_000_000, 'MB/s']
  return [`${number.format(value)} ${unit}`, exact]
}

const perSecondText = (bytes: number) => perSecond(bytes).join(' = ')
const perSecondRate = (value: number): [string] => [`${number.format(value)} /s`]

const results = [
  ['requests-per-second', 'requests/s', (e: CostEstimate) => e.requestsPerSecond, perSecondRate],
  [
    'handshakes-per-second',
    'new TCP connections (handshakes)/s',
    (e: CostEstimate) => e.handshakesPerSecond,
    perSecondRate
  ],
  ['bytes-in-per-second', 'bytes in/s (to the server)', (e: CostEstimate) => e.bytesInPerSecond, perSecond],
  ['bytes-out-per-second', 'bytes out/s (to the students)', (e: CostEstimate) => e.bytesOutPerSecond, perSecond],
  [
    'open-connections',
    'connections in use at once',
    (e: CostEstimate) => e.openConnections,
    (v: number): [string] => [whole.format(v)]
  ]
] as const

function numberInput(name: string, value: number, min: number, max: number, step: number): HTMLInputElement {
  const attributes = {
    type: 'number',
    name,
    value: String(value),
    min: String(min),
    max: String(max),
    step: String(step)
  }
  return h('input', { ...attributes, inputmode: 'decimal' })
}

/** A number input's value, kept within its own min and max (its default when it is not a number). */
function inputValue(input: HTMLInputElement, fallback: number): number {
  const value = Number(input.value)
  if (input.value === '' || !Number.isFinite(value)) return fallback
  return Math.min(Number(input.max), Math.max(Number(input.min), value))
}

/** What the calculator needs to know of a technique's deliveries in this page: its new events and its catch-up. */
export type DeliveriesOf = (name: TechniqueName) => Pick<DeliveryStats, 'publishedWhileOn' | 'catchUp'> | undefined

/**
 * "N students × this technique at these settings": what the server would carry,
 * estimated from the bytes this page measured for the technique in this run,
 * beside textbook figures for contrast.
 */
export class CostCalculator {
  #clientId: string
  #deliveries: DeliveriesOf
  #report: WireReport | undefined
  #students = numberInput('students', 30, 1, 100_000, 1)
  #technique = h('select', { name: 'technique' })
  #interval = numberInput('poll-interval', 1000, limits.pollIntervalMinMs, limits.pollIntervalMaxMs, 50)
  #keepAlive = h('input', { type: 'checkbox', name: 'keep-alive', checked: '' })
  #clicks = numberInput('clicks-per-minute', 6, 0, 600, 1)
  #timeout = numberInput('long-poll-timeout', limits.longPollDefaultMs, 1000, limits.longPollMaxMs, 1000)
  #rate = numberInput('feed-rate', 1, 0, limits.feedRateMax, 1)
  #rateTouched = false
  #missing = h('p', { class: 'cost-missing', hidden: '' })
  #values = new Map<string, HTMLOutputElement>()
  #used = h('ul', { class: 'cost-used' })
  #formulas = h('ul', { class: 'cost-formulas' })
  #textbookLine = h('p', { class: 'cost-textbook-line' })
  /** Which inputs matter for which way of asking; the others are hidden. */
  #onlyFor: [HTMLElement, Asking[]][] = []

  /** `deliveries` gives the events a technique's panel received, counted by the panels' per-event rule. */
  constructor(
    section: Element,
    clientId: string,
    titles: Record<TechniqueName, string>,
    wireLive: WireLive,
    deliveries: DeliveriesOf
  ) {
    this.#clientId = clientId
    this.#deliveries = deliveries
    for (const name of techniqueNames) this.#technique.append(h('option', { value: name }, titles[name]))
    this.#technique.value = 'polling'

    const field = (label: string, input: HTMLElement, unit: string, askings?: Asking[]) => {
      const element = h(
        'label',
        { class: 'cost-field' },
        h('span', {}, label),
        h('span', {}, input, unit ? ` ${unit}` : '')
      )
      if (askings) this.#onlyFor.push([element, askings])
      return element
    }
    const inputs = h(
      'fieldset',
      { class: 'cost-inputs' },
      h('legend', {}, 'Settings'),
      field('students', this.#students, ''),
      field('technique', this.#technique, ''),
      field('poll every', this.#interval, 'ms', ['on a timer']),
      field('keep-alive', this.#keepAlive, '', ['on a timer']),
      field('each student clicks', this.#clicks, 'times/min', ['by hand']),
      field('long-poll timeout', this.#timeout, 'ms', ['again at once']),
      field('feed rate', this.#rate, 'events/s', ['again at once', 'once'])
    )

    const figures = h('dl', { class: 'cost-results' })
    for (const [key, label] of results) {
      const output = h('output', { 'data-cost': key }, '–')
      this.#values.set(key, output)
      figures.append(h('div', {}, h('dt', {}, label), h('dd', {}, output)))
    }
    const estimate = h(
      'div',
      { class: 'cost-estimate' },
      h('h3', {}, 'Estimate from this run’s measurements'),
      this.#missing,
      figures,
      h('h4', {}, 'Measured here, and used above'),
      this.#used,
      h('h4', {}, 'Formulas'),
      this.#formulas
    )
    const textbookAside = h(
      'aside',
      { class: 'cost-textbook', 'aria-labelledby': 'cost-textbook-title' },
      h('h3', { id: 'cost-textbook-title' }, 'Textbook figures (not measured), for contrast'),
      h('ul', {}, ...textbookFigures().map((figure) => h('li', {}, figure))),
      this.#textbookLine,
      h(
        'p',
        { class: 'cost-source' },
        'Sources: Ilya Grigorik, High Performance Browser Networking (O’Reilly, 2013); websocket.org, “HTML5 Web Sockets: ',
        'A Quantum Leap in Scalability for the Web”; RFC 6455 §5.2.'
      )
    )
    section.append(
      h(
        'p',
        { class: 'cost-intro' },
        'N students × this technique at these settings: what the server would carry, using the bytes this page measured ',
        'for the technique in this run (not constants). Change the panel’s settings and the measured figures follow.'
      ),
      h('div', { class: 'cost-layout' }, inputs, estimate, textbookAside)
    )

    inputs.addEventListener('input', (event) => {
      if (event.target === this.#rate) this.#rateTouched = true
      this.#update()
    })
    wireLive.listen({
      report: (report) => {
        this.#report = report
        this.#update()
      }
    })
    this.#report = wireLive.latest
    this.#update()
  }

  /** Starts the feed rate at the feed's current rate, unless someone already typed one. */
  async load(): Promise<void> {
    const response = await fetch(`/feed/ticker?client=${this.#clientId}`, { cache: 'no-store' }).catch(() => undefined)
    if (!response?.ok || this.#rateTouched) return
    const ticker = (await response.json()) as TickerSettings
    this.#rate.value = String(ticker.paused ? 0 : ticker.rate)
    this.#update()
  }

  get #settings(): CostSettings {
    const technique = isTechniqueName(this.#technique.value) ? this.#technique.value : 'polling'
    return {
      students: inputValue(this.#students, 30),
      technique,
      pollIntervalMs: inputValue(this.#interval, 1000),
      keepAlive: this.#keepAlive.checked,
      clicksPerMinute: inputValue(this.#clicks, 6),
      longPollTimeoutMs: inputValue(this.#timeout, limits.longPollDefaultMs),
      feedRate: inputValue(this.#rate, 1)
    }
  }

  #update(): void {
    const settings = this.#settings
    const { asking } = techniques[settings.technique]
    for (const [element, askings] of this.#onlyFor) element.hidden = !askings.includes(asking)
    const measured = this.#report?.techniques[settings.technique]
    const deliveries = this.#deliveries(settings.technique)
    const estimate = measured ? estimateCost(settings, measured, deliveries?.publishedWhileOn ?? 0) : undefined
    const title = this.#technique.selectedOptions[0]?.textContent ?? settings.technique
    this.#missing.hidden = estimate !== undefined
    this.#missing.textContent = `Run the ${title} panel first: nothing measured for it yet in this run.`
    for (const [key, , pick, format] of results) {
      const output = this.#values.get(key)
      if (!output) continue
      const value = estimate ? pick(estimate) : undefined
      const [main, exact]: [string, string?] = value === undefined ? ['–'] : format(value)
      output.replaceChildren(main, ...(exact ? [h('small', {}, exact)] : []))
      if (value === undefined) delete output.dataset.value
      else output.dataset.value = String(value)
    }
    this.#used.replaceChildren(
      ...(estimate?.used ?? []).map((figure) => {
        const value =
          figure.name === 'new connections per request'
            ? number.format(figure.value)
            : `${whole.format(figure.value)} B`
        // Said where it is used, so the figure is not read as "bytes out ÷ every event received".
        const catchUp =
          figure.fromWhat === 'new events' && deliveries
            ? ` (not the ${whole.format(deliveries.catchUp)} catch-up events the feed already had when it started; their bytes are counted)`
            : ''
        return h(
          'li',
          { 'data-used': figure.name },
          `${figure.name}: ${value}, averaged over ${whole.format(figure.from)} ${figure.fromWhat}${catchUp}`
        )
      })
    )
    this.#formulas.replaceChildren(...(estimate?.formulas ?? []).map((formula) => h('li', {}, formula)))
    const overhead = textbookOverhead(settings)
    const range =
      overhead.min === overhead.max
        ? perSecondText(overhead.min)
        : `${perSecondText(overhead.min)} to ${perSecondText(overhead.max)}`
    this.#textbookLine.textContent = `Textbook overhead alone at these settings: ${range} (${overhead.formula}).`
  }
}
