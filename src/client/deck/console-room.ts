import type { Audience, ClassroomState } from '../../shared/classroom.ts'
import { techniqueNames } from '../../shared/techniques.ts'
import type { WireReport } from '../../shared/wire-stats.ts'
import { httpVersionOf } from '../panels/http-version.ts'
import { ask } from '../platform/ask.ts'
import { presenterRequest, presenterToken } from '../platform/presenter-token.ts'
import type { WireLive } from '../platform/wire-live.ts'
import { cutSecondsLeft } from '../room/classroom-banner.ts'
import { studentAddress } from '../room/student-address.ts'

const audienceEveryMs = 2_000

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)

/**
 * The room's controls on the console: which techniques students' pages run, cutting the network
 * (with its countdown), the announcement, who is connected, and where students go (with a
 * warning when no phone can reach this server).
 */
export class ConsoleRoom {
  #clientId: string
  #say: (message: string) => void
  #cutTimer: ReturnType<typeof setInterval> | undefined

  constructor(clientId: string, live: WireLive, say: (message: string) => void) {
    this.#clientId = clientId
    this.#say = say
    const boxes = [...document.querySelectorAll<HTMLInputElement>('#room-techniques input[name=technique]')]
    for (const box of boxes)
      box.addEventListener('change', () => {
        const techniques = boxes.filter((b) => b.checked).map((b) => b.value)
        void this.control('/classroom', 'PUT', { techniques })
      })
    live.listen({
      classroom: (state) => {
        for (const box of boxes) box.checked = state.techniques.some((name) => name === box.value)
        const text = $<HTMLInputElement>('#announcement-text')
        if (text && document.activeElement !== text) text.value = state.announcement
        this.#showCut(state)
      }
    })
    const seconds = $<HTMLInputElement>('#cut-seconds')
    $('#cut-network')?.addEventListener('click', () => {
      void this.control('/classroom/cut', 'POST', { seconds: Number(seconds?.value ?? 10) })
    })
    $('#restore-network')?.addEventListener('click', () => void this.control('/classroom/cut', 'POST', { seconds: 0 }))
    $('#announce-form')?.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.control('/classroom', 'PUT', { announcement: $<HTMLInputElement>('#announcement-text')?.value ?? '' })
      ;(document.activeElement as HTMLElement | null)?.blur()
    })
    $('#announcement-clear')?.addEventListener(
      'click',
      () => void this.control('/classroom', 'PUT', { announcement: '' })
    )
    void this.#showStudentUrl()
    if (presenterToken() !== undefined) {
      void this.#showAudience()
      setInterval(() => void this.#showAudience(), audienceEveryMs)
    }
  }

  /** Sends a control and says so on screen when the server refuses it. */
  async control(url: string, method: 'PUT' | 'POST' | 'DELETE', body?: unknown): Promise<boolean> {
    const target = `${url}?client=${this.#clientId}`
    const asked = await ask(() => presenterRequest(target, method, body))
    this.#say(asked.ok ? '' : `Not changed: ${asked.why}.`)
    return asked.ok
  }

  #showCut(state: ClassroomState): void {
    const countdown = $('#cut-countdown')
    clearInterval(this.#cutTimer)
    const paint = () => {
      const left = cutSecondsLeft(state)
      if (countdown) countdown.textContent = left > 0 ? `cut: network back in ${left} s` : ''
      if (left === 0) clearInterval(this.#cutTimer)
    }
    paint()
    if (cutSecondsLeft(state) > 0) this.#cutTimer = setInterval(paint, 250)
  }

  /** Who is here: asked of the server every 2 s (the teacher's own windows are not counted). */
  async #showAudience(): Promise<void> {
    const asked = await ask(() => presenterRequest(`/classroom/audience?client=${this.#clientId}`, 'GET'))
    const pages = $('#audience-pages')
    // Who is here is unknown while the server cannot be asked: a dash, not the last count.
    if (!asked.ok) {
      if (pages) pages.textContent = '–'
      for (const cell of document.querySelectorAll('[data-audience]')) cell.textContent = '–'
      return
    }
    const audience = (await asked.response.json()) as Audience
    if (pages) pages.textContent = String(audience.pages)
    for (const name of techniqueNames) {
      const cell = document.querySelector(`[data-audience="${name}"]`)
      if (cell) cell.textContent = String(audience.techniques[name])
    }
    await this.#showHttpVersions()
  }

  /** Which HTTP version each technique's requests came in, every page together (`GET /wire`'s totals). */
  async #showHttpVersions(): Promise<void> {
    const asked = await ask(() => fetch('/wire', { cache: 'no-store' }))
    const totals = asked.ok ? ((await asked.response.json()) as WireReport) : undefined
    for (const name of techniqueNames) {
      const cell = document.querySelector(`[data-http-version="${name}"]`)
      if (cell) cell.textContent = (totals && httpVersionOf(totals.techniques[name])) ?? '–'
    }
  }

  async #showStudentUrl(): Promise<void> {
    const asked = await studentAddress()
    if (!asked.ok) return this.#say(`The students' address is unknown: ${asked.why}.`)
    const answer = asked.address
    const where = $('#student-url')
    if (where) where.textContent = answer.url
    const warning = $('#reach-warning')
    if (warning) {
      warning.textContent = answer.warning ?? ''
      warning.hidden = answer.reachable
    }
  }
}
