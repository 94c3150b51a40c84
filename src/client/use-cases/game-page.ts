import './use-cases.css'
import { h } from '../platform/dom.ts'
import { PageSession } from '../platform/page-session.ts'
import { ClassroomBar } from '../room/classroom-bar.ts'
import { TechniqueChoice } from './technique-choice.ts'

interface Dot {
  id: string
  name: string
  x: number
  y: number
}

const nameKey = 'wirewatch-name'
/** Moves sent per second at most, the board's own publishing rate. */
const movesPerSecond = 30
const step = 0.02

// The shared board: your dot moves with the arrow keys (or the pointer); everyone's dots come
// back through the feed by the technique you choose, so you see how smoothly each delivers.
const session = new PageSession()
new ClassroomBar(session.live)
const canvas = document.querySelector<HTMLCanvasElement>('#board')
const players = document.querySelector('#players')
const nameInput = document.querySelector<HTMLInputElement>('#player-name')
const error = document.querySelector<HTMLOutputElement>('#game-error')
/**
 * This page's default name: the name typed last (kept in localStorage, shared by every tab) or
 * "player", plus a tag from this page's own random client id, so two tabs never show the same name.
 */
const defaultName = `${[...(localStorage.getItem(nameKey)?.trim() || 'player')].slice(0, 19).join('')} ${session.clientId.slice(0, 4)}`
if (nameInput) nameInput.value = defaultName
nameInput?.addEventListener('change', () => {
  if (nameInput.value.trim()) localStorage.setItem(nameKey, nameInput.value.trim())
})

let board: Dot[] = []
const me = { x: Math.random() * 0.8 + 0.1, y: Math.random() * 0.8 + 0.1 }
let lastSent = 0
let pending: ReturnType<typeof setTimeout> | undefined

const choice = new TechniqueChoice(document.querySelector('#game-technique') ?? document.body, session, (events) => {
  const latest = events.findLast((event) => event.kind === 'board')
  if (!latest) return
  board = (latest.data.players as Dot[]) ?? []
  draw()
})

function draw(): void {
  const context = canvas?.getContext('2d')
  if (!canvas || !context) return
  const style = getComputedStyle(canvas)
  context.clearRect(0, 0, canvas.width, canvas.height)
  context.font = '14px system-ui, sans-serif'
  for (const dot of board) {
    const mine = dot.id === session.clientId
    context.fillStyle = mine ? style.getPropertyValue('--websocket') : style.getPropertyValue('--sse')
    context.beginPath()
    context.arc(dot.x * canvas.width, dot.y * canvas.height, mine ? 10 : 8, 0, 2 * Math.PI)
    context.fill()
    context.fillStyle = style.color
    context.fillText(dot.name, dot.x * canvas.width + 12, dot.y * canvas.height + 4)
  }
  // The same board as text, for screen readers and to read off exact positions.
  players?.replaceChildren(
    ...board.map((dot) =>
      h(
        'li',
        {},
        `${dot.name}${dot.id === session.clientId ? ' (you)' : ''}: ${Math.round(dot.x * 100)}, ${Math.round(dot.y * 100)}`
      )
    )
  )
}

/** Sends where my dot is, at most 30 times a second (the last position always goes). */
function sendMove(): void {
  const wait = lastSent + 1000 / movesPerSecond - performance.now()
  if (wait > 0) {
    pending ??= setTimeout(() => {
      pending = undefined
      sendMove()
    }, wait)
    return
  }
  lastSent = performance.now()
  void choice
    .send({ type: 'move', player: session.clientId, name: nameInput?.value.trim() || defaultName, x: me.x, y: me.y })
    .then((problem) => {
      if (error) error.value = problem ? `Move not sent: ${problem}` : ''
    })
}

function moveTo(x: number, y: number): void {
  me.x = Math.min(1, Math.max(0, x))
  me.y = Math.min(1, Math.max(0, y))
  sendMove()
}

const keys: Record<string, [number, number]> = {
  ArrowLeft: [-step, 0],
  ArrowRight: [step, 0],
  ArrowUp: [0, -step],
  ArrowDown: [0, step]
}
canvas?.addEventListener('keydown', (event) => {
  const delta = keys[event.key]
  if (!delta) return
  event.preventDefault()
  moveTo(me.x + delta[0], me.y + delta[1])
})
canvas?.addEventListener('pointermove', (event) => {
  if (event.buttons === 0 && event.pointerType === 'mouse') return
  const box = canvas.getBoundingClientRect()
  moveTo((event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height)
})
session.live.start()
setTimeout(sendMove, 500)
// A dot that has not moved for 15 s leaves the board: say where it is now and then.
setInterval(sendMove, 5_000)
