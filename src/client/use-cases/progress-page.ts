import './use-cases.css'
import './progress-page.css'
import type { FeedEvent } from '../../shared/feed-event.ts'
import { techniqueTitles } from '../panels/technique-panels.ts'
import { ask } from '../platform/ask.ts'
import { h } from '../platform/dom.ts'
import { PageSession } from '../platform/page-session.ts'
import { ClassroomBar } from '../room/classroom-bar.ts'
import { TechniqueChoice } from './technique-choice.ts'

// The progress bar: a server job's progress events reach the bar by the technique you choose,
// and the bar is drawn once a frame with the newest of them. What this page counts is what the
// reader saw: screen updates drawn, not events received.
const session = new PageSession()
new ClassroomBar(session.live)
const start = document.querySelector<HTMLButtonElement>('#job-start')
const bar = document.querySelector<HTMLProgressElement>('#job-progress')
const percent = document.querySelector('#job-percent')
const received = document.querySelector('#job-received')
const published = document.querySelector('#job-events')
const drawn = document.querySelector('#job-updates')
const jump = document.querySelector('#job-jump')
const error = document.querySelector<HTMLOutputElement>('#job-error')
const history = document.querySelector('#job-history')
const background = document.querySelector<HTMLOutputElement>('#job-background')

/** A key for the next job, picked here so its events are known before the POST's answer comes. */
function randomJobKey(): string {
  // getRandomValues, not randomUUID: the latter needs a secure context, and classrooms use http://<LAN-IP>.
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
}

/** One job as this page saw it. */
interface JobView {
  key: string
  /** The job's number: from its first event or the POST's answer, whichever came first. */
  job?: number
  steps: number
  /** Its events that reached the page. */
  received: number
  /** The newest value received and not drawn yet. */
  pending?: { percent: number; done: boolean }
  frame?: number
  /** Screen updates drawn: frames in which the bar changed to a newly received value. */
  updates: number
  first?: number
  last?: number
  biggestJump: number
  /** Time this tab was hidden while the job ran: a hidden tab draws no frame at all, so nothing is drawn then. */
  hiddenMs: number
  /** Since when the tab is hidden, while the job runs. */
  hiddenSince?: number
  /** The job's last event arrived: time hidden after that is not the job's. */
  over: boolean
}

let current: JobView | undefined

const choice = new TechniqueChoice(document.querySelector('#job-technique') ?? document.body, session, (events) => {
  for (const event of events) receive(event)
})

function receive(event: FeedEvent): void {
  const view = current
  if (!view || event.kind !== 'progress' || event.data.key !== view.key) return
  const job = Number(event.data.job)
  // Another page could reuse a key it saw in the feed, but only after this job's first event.
  if (view.job !== undefined && job !== view.job) return
  view.job = job
  view.received++
  view.pending = { percent: Number(event.data.percent), done: event.data.done === true }
  if (view.pending.done) {
    noteVisibility(view)
    view.over = true
  }
  show(received, String(view.received))
  view.frame ??= requestAnimationFrame(() => draw(view))
}

/** Draws the newest value received since the last frame: one screen update, however many events came. */
function draw(view: JobView): void {
  view.frame = undefined
  const next = view.pending
  if (!next || view !== current) return
  view.pending = undefined
  if (view.last !== undefined) view.biggestJump = Math.max(view.biggestJump, next.percent - view.last)
  view.first ??= next.percent
  view.last = next.percent
  view.updates++
  if (bar) bar.value = next.percent
  show(percent, `${next.percent} %`)
  show(drawn, String(view.updates))
  show(jump, view.updates > 1 ? `${view.biggestJump} %` : '–')
  if (next.done) finish(view)
}

/** Adds the time the tab was hidden to the running job (browsers run no animation frame in a hidden tab). */
function noteVisibility(view: JobView): void {
  if (view.over) return
  const now = performance.now()
  if (view.hiddenSince !== undefined) {
    view.hiddenMs += now - view.hiddenSince
    view.hiddenSince = undefined
  }
  if (document.visibilityState === 'hidden') view.hiddenSince = now
  showBackground(view)
}

/** Says how long the tab was in the background during the job: the count of screen updates is low by that much. */
function backgroundNote(view: JobView): string {
  if (view.hiddenMs <= 0) return ''
  return `this tab was in the background for ${(view.hiddenMs / 1000).toFixed(1)} s of the job: browsers draw nothing there`
}

function showBackground(view: JobView): void {
  if (!background) return
  background.value = backgroundNote(view)
  background.dataset.hiddenMs = String(Math.round(view.hiddenMs))
}

document.addEventListener('visibilitychange', () => {
  if (current) noteVisibility(current)
})

function finish(view: JobView): void {
  const jumpText = view.updates > 1 ? `${view.biggestJump} %` : '– (one update only)'
  history?.prepend(
    h(
      'li',
      {
        'data-technique': choice.technique,
        'data-received': String(view.received),
        'data-updates': String(view.updates),
        'data-first': String(view.first ?? ''),
        'data-jump': String(view.biggestJump),
        'data-hidden-ms': String(Math.round(view.hiddenMs))
      },
      `job ${view.job} over ${techniqueTitles[choice.technique]}: ${view.updates} screen updates drawn (the first at ` +
        `${view.first} %) from ${view.received} of ${view.steps + 1} events received; biggest jump between ` +
        `two drawn updates ${jumpText}` +
        (view.hiddenMs > 0 ? ` — ${backgroundNote(view)}` : '')
    )
  )
}

function show(element: Element | null, text: string): void {
  if (element) element.textContent = text
}

start?.addEventListener('click', async () => {
  if (current?.frame !== undefined) cancelAnimationFrame(current.frame)
  const steps = 50
  // Listening for the key starts before the POST is sent: its first event may arrive before the answer.
  const view: JobView = {
    key: randomJobKey(),
    steps,
    received: 0,
    updates: 0,
    biggestJump: 0,
    hiddenMs: 0,
    over: false
  }
  current = view
  noteVisibility(view)
  if (bar) bar.value = 0
  show(percent, '0 %')
  show(received, '0')
  show(published, String(steps + 1))
  show(drawn, '0')
  show(jump, '–')
  const asked = await ask(() =>
    fetch(`/jobs?client=${session.clientId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ steps, durationMs: 5000, key: view.key })
    })
  )
  if (!asked.ok) {
    if (current === view) current = undefined
    if (error) error.value = `Not started: ${asked.why}`
    return
  }
  if (error) error.value = ''
  view.job ??= ((await asked.response.json()) as { job: number }).job
})
session.live.start()
