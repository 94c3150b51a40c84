import './use-cases.css'
import { h } from '../platform/dom.ts'
import { PageSession } from '../platform/page-session.ts'
import { ClassroomBar } from '../room/classroom-bar.ts'
import { TechniqueChoice } from './technique-choice.ts'

const nameKey = 'wirewatch-name'
const shown = 100

// The chat room: everybody's messages from the one feed, by the technique you choose.
const session = new PageSession()
new ClassroomBar(session.live)
const form = document.querySelector<HTMLFormElement>('#chat-form')
const name = document.querySelector<HTMLInputElement>('#chat-name')
const text = document.querySelector<HTMLInputElement>('#chat-text')
const log = document.querySelector<HTMLOListElement>('#chat-log')
const error = document.querySelector<HTMLOutputElement>('#chat-error')
if (name) name.value = localStorage.getItem(nameKey) ?? ''

const choice = new TechniqueChoice(document.querySelector('#chat-technique') ?? document.body, session, (events) => {
  for (const event of events) {
    if (event.kind !== 'chat') continue
    // Names and texts are shown as text (h() makes text nodes), never parsed as HTML.
    const who = typeof event.data.name === 'string' && event.data.name ? event.data.name : 'anonymous'
    const time = new Date(event.at).toLocaleTimeString()
    log?.append(
      h(
        'li',
        { 'data-id': String(event.id) },
        h('span', { class: 'who' }, who),
        h('time', {}, time),
        h('span', { class: 'text' }, String(event.data.text))
      )
    )
  }
  while (log && log.children.length > shown) log.firstElementChild?.remove()
  log?.lastElementChild?.scrollIntoView({ block: 'nearest' })
})

form?.addEventListener('submit', async (event) => {
  event.preventDefault()
  if (!text || !name || !error) return
  localStorage.setItem(nameKey, name.value)
  const problem = await choice.send({ type: 'chat', text: text.value, name: name.value })
  error.value = problem ? `Not sent: ${problem}` : ''
  if (!problem) text.value = ''
})
session.live.start()
