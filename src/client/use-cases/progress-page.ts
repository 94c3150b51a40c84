import './use-cases.css'
import { ClassroomBar } from '../classroom-bar.ts'
import { h } from '../dom.ts'
import { PageSession } from '../page-session.ts'
import { TechniqueChoice } from './technique-choice.ts'

// The progress bar: a server job's progress events reach the bar by the technique you choose.
const session = new PageSession()
new ClassroomBar(session.live)
const start = document.querySelector<HTMLButtonElement>('#job-start')
const bar = document.querySelector<HTMLProgressElement>('#job-progress')
const percent = document.querySelector('#job-percent')
const seen = document.querySelector('#job-updates')
const jump = document.querySelector('#job-jump')
const error = document.querySelector<HTMLOutputElement>('#job-error')
const history = document.querySelector('#job-history')

let job: number | undefined
let steps = 0
let updates = 0
let last = 0
let biggestJump = 0

new TechniqueChoice(document.querySelector('#job-technique') ?? document.body, session, (events) => {
  for (const event of events) {
    if (event.kind !== 'progress' || event.data.job !== job) continue
    const value = Number(event.data.percent)
    updates++
    biggestJump = Math.max(biggestJump, value - last)
    last = value
    if (bar) bar.value = value
    if (percent) percent.textContent = `${value} %`
    if (seen) seen.textContent = `${updates} of ${steps + 1}`
    if (jump) jump.textContent = `${biggestJump} %`
    if (event.data.done)
      history?.prepend(
        h('li', {}, `job ${job}: ${updates} of ${steps + 1} updates shown, biggest jump ${biggestJump} %`)
      )
  }
})

start?.addEventListener('click', async () => {
  const response = await fetch(`/jobs?client=${session.clientId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ steps: 50, durationMs: 5000 })
  })
  const body = (await response.json()) as { job?: number; steps?: number; message?: string }
  if (!response.ok || body.job === undefined) {
    if (error) error.value = `Not started: ${body.message ?? response.status}`
    return
  }
  if (error) error.value = ''
  job = body.job
  steps = body.steps ?? 50
  updates = 0
  last = 0
  biggestJump = 0
  if (bar) bar.value = 0
  if (percent) percent.textContent = '0 %'
})
session.live.start()
