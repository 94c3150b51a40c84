import { type PredictionState, type PredictQuestion, predictionLimits } from '../../shared/prediction.ts'
import { answerText, formatNumber, revealView } from './prediction-reveal.ts'

/** What this tab decided for a question, kept in sessionStorage so a reload keeps it. */
type Decision = { value: number } | { skipped: true }

const storageKey = (id: string) => `wirewatch-prediction:${id}`
const answererKey = 'wirewatch-prediction-answerer'

/**
 * The id this tab answers with: kept for the tab's life, so a reload replaces its answer on the
 * server instead of counting a second one.
 */
export function answererId(): string {
  const known = sessionStorage.getItem(answererKey)
  if (known && /^[A-Za-z0-9_-]{1,64}$/.test(known)) return known
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  const id = btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
  sessionStorage.setItem(answererKey, id)
  return id
}

function readDecision(id: string): Decision | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(storageKey(id)) ?? 'null') as Partial<
      Decision & { value: unknown }
    >
    if (stored && 'skipped' in stored && stored.skipped === true) return { skipped: true }
    if (stored && typeof stored.value === 'number' && Number.isFinite(stored.value)) return { value: stored.value }
  } catch {}
  return undefined
}

/** The question as the page's own markup describes it (the server rendered it from the lesson). */
function questionOf(aside: HTMLElement, form: HTMLFormElement): PredictQuestion {
  const id = aside.dataset.predict ?? ''
  const prompt = [...aside.querySelectorAll('p:not(.predict-title)')]
    .filter((p) => !form.contains(p))
    .map((p) => p.textContent ?? '')
    .join(' ')
  if (aside.dataset.kind === 'choice') {
    const choices = [...form.querySelectorAll('.predict-choice')].map((label) => label.textContent?.trim() ?? '')
    return { id, prompt, kind: 'choice', choices }
  }
  return { id, prompt, kind: 'number', unit: aside.dataset.unit ?? '' }
}

/**
 * One `::: predict` of a lesson: the reader commits a number or a choice (or skips), which opens
 * the demo after it. The answer stays in this tab; while the teacher has this question open for the
 * room it is sent (again when it is opened later), and once revealed the class's answers are shown
 * with where this reader's guess fell.
 */
export class PredictionForm {
  readonly id: string
  /** Called once the reader has committed or skipped (at once if they had before a reload). */
  onDecided: (() => void) | undefined
  #aside: HTMLElement
  #form: HTMLFormElement
  #status: HTMLOutputElement
  #reveal = document.createElement('div')
  #question: PredictQuestion
  #answerer: string
  #decision: Decision | undefined
  #room: PredictionState | null = null
  /** The value sent while the question is open this time (undefined: none yet), so a re-opening sends it again. */
  #sent: number | undefined
  /** The value the class has from this tab, while the room's question is this one; and why a send failed. */
  #delivered: number | undefined
  #sendError = ''

  constructor(aside: HTMLElement, answerer: string) {
    const form = aside.querySelector<HTMLFormElement>('form.predict-form')
    const status = aside.querySelector<HTMLOutputElement>('output.predict-status')
    if (!form || !status) throw new Error(`predict ${aside.dataset.predict}: no form`)
    this.#aside = aside
    this.#form = form
    this.#status = status
    this.#answerer = answerer
    this.#question = questionOf(aside, form)
    this.id = this.#question.id
    this.#reveal.className = 'predict-reveal'
    this.#reveal.hidden = true
    this.#reveal.setAttribute('aria-live', 'polite')
    form.after(this.#reveal)
    this.#decision = readDecision(this.id)
    if (this.#decision && 'value' in this.#decision) this.#fill(this.#decision.value)
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      this.#commit()
    })
    form.querySelector('button[name=skip]')?.addEventListener('click', () => this.#skip())
    this.#show()
  }

  /** Whether the reader has committed a prediction or skipped. */
  get decided(): boolean {
    return this.#decision !== undefined
  }

  /** The room's question changed: send the answer if it is this one and open, show the reveal. */
  heard(prediction: PredictionState | null): void {
    const mine = prediction?.question.id === this.id ? prediction : null
    if (mine?.phase !== 'open') this.#sent = undefined
    if (!mine) this.#delivered = undefined
    if (mine?.phase === 'open' && this.#room?.phase !== 'open') this.#sendError = ''
    this.#room = mine
    void this.#send()
    this.#showReveal()
    this.#show()
  }

  #value(): number | string {
    if (this.#question.kind === 'choice') {
      const chosen = this.#form.querySelector<HTMLInputElement>('input[type=radio]:checked')
      return chosen ? Number(chosen.value) : 'Choose one of the answers first.'
    }
    const text = (this.#form.querySelector<HTMLInputElement>('input[name=value]')?.value ?? '').trim().replace(',', '.')
    const value = Number(text)
    const { valueMin, valueMax } = predictionLimits
    if (text === '' || !Number.isFinite(value) || value < valueMin || value > valueMax)
      return `Write a number from ${formatNumber(valueMin)} to ${formatNumber(valueMax)} (${this.#question.kind === 'number' ? this.#question.unit : ''}).`
    return value
  }

  #fill(value: number): void {
    if (this.#question.kind === 'choice') {
      const radio = this.#form.querySelector<HTMLInputElement>(`input[type=radio][value="${value}"]`)
      if (radio) radio.checked = true
    } else {
      const input = this.#form.querySelector<HTMLInputElement>('input[name=value]')
      if (input) input.value = String(value)
    }
  }

  #commit(): void {
    const value = this.#value()
    if (typeof value === 'string') {
      this.#status.textContent = value
      return
    }
    this.#decide({ value })
    void this.#send()
    this.#show()
    this.#showReveal()
  }

  #skip(): void {
    if (!this.#decision) this.#decide({ skipped: true })
    this.#show()
  }

  #decide(decision: Decision): void {
    const first = this.#decision === undefined
    this.#decision = decision
    sessionStorage.setItem(storageKey(this.id), JSON.stringify(decision))
    if (first) this.onDecided?.()
  }

  async #send(): Promise<void> {
    const decision = this.#decision
    if (this.#room?.phase !== 'open' || !decision || !('value' in decision) || this.#sent === decision.value) return
    const value = decision.value
    this.#sent = value
    this.#sendError = ''
    try {
      const response = await fetch(`/classroom/prediction/answer?client=${encodeURIComponent(this.#answerer)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: this.id, value })
      })
      if (response.ok) this.#delivered = value
      else {
        const body = (await response.json().catch(() => ({}))) as { message?: unknown }
        this.#sendError = typeof body.message === 'string' ? body.message : `the server answered ${response.status}`
      }
    } catch {
      this.#sendError = 'the server could not be reached'
    }
    this.#show()
  }

  #show(): void {
    const decision = this.#decision
    this.#aside.dataset.decided = !decision ? '' : 'value' in decision ? 'committed' : 'skipped'
    const room = this.#room
    if (!decision) {
      this.#status.textContent =
        room?.phase === 'open' ? 'The teacher is collecting predictions for this question: commit yours.' : ''
      return
    }
    if (!('value' in decision)) {
      this.#status.textContent = 'You skipped this prediction: the demo below is yours to switch on.'
      return
    }
    const yours = `Your prediction: ${answerText(this.#question, decision.value)}`
    let where = 'kept on this page'
    if (room && this.#delivered === decision.value) where = 'sent to the class'
    else if (this.#sendError) where = `kept on this page (not sent: ${this.#sendError})`
    else if (room?.phase === 'open') where = 'sending to the class…'
    else if (room) where = 'kept on this page (the class’s question is closed)'
    this.#status.textContent = `${yours} — ${where}`
  }

  #showReveal(): void {
    const room = this.#room
    if (room?.phase !== 'revealed') {
      this.#reveal.hidden = true
      this.#reveal.replaceChildren()
      return
    }
    const decision = this.#decision
    const own = decision && 'value' in decision ? decision.value : undefined
    // The server's question (the lesson as it rendered it) names the choices and units of the tally.
    this.#reveal.replaceChildren(revealView(room, own))
    this.#reveal.hidden = false
  }
}
