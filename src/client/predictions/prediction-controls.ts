import type { ClassroomState } from '../../shared/classroom.ts'
import { figureShownOn, type PredictionPhase, type PredictQuestion } from '../../shared/prediction.ts'
import { techniques } from '../../shared/techniques.ts'
import type { ConsoleRoom } from '../deck/console-room.ts'
import type { ProjectorMeasured } from '../deck/presenter-channel.ts'
import { h } from '../platform/dom.ts'
import { formatNumber } from './prediction-reveal.ts'

/** A projector reading older than this is not sent as "measured now". */
const freshForMs = 5_000

/**
 * The console's controls of the room's prediction, for the `::: predict` questions of the section
 * on the projector (and whichever question is open): Open, Close, Reveal, Clear. On Reveal it sends
 * the value the projector in this browser measures for the question's figure, when it has one,
 * and says which; a console on another device has none, and says that instead. Once revealed, it
 * says what the server took with the reveal, not what the projector measures now (its demo stops
 * while the reveal is on screen, so "now" it has nothing).
 */
export class PredictionControls {
  #element: HTMLElement
  #room: ConsoleRoom
  #questions = new Map<string, PredictQuestion>()
  #ids: string[] = []
  #state: ClassroomState | undefined
  #measured: ProjectorMeasured | undefined
  #labels = new Map<string, HTMLElement>()

  constructor(
    element: HTMLElement,
    room: ConsoleRoom,
    questions: PredictQuestion[],
    channel: BroadcastChannel | undefined
  ) {
    this.#element = element
    this.#room = room
    for (const question of questions) this.#questions.set(question.id, question)
    channel?.addEventListener('message', (event: MessageEvent<ProjectorMeasured>) => {
      if (event.data?.type !== 'measured') return
      this.#measured = event.data
      // Only the labels: the buttons stay where the teacher's mouse is.
      for (const [id, label] of this.#labels) {
        const question = this.#questions.get(id)
        if (question) label.textContent = this.#label(question)
      }
    })
  }

  /** The questions of the section now on the projector. */
  showFor(ids: string[]): void {
    this.#ids = ids
    this.#paint()
  }

  heard(state: ClassroomState): void {
    this.#state = state
    this.#paint()
  }

  #measure(question: PredictQuestion): { value?: number; label: string } {
    if (question.kind !== 'number' || !question.measure)
      return { label: 'This question has no live figure to compare with.' }
    const { technique, figure } = question.measure
    const what = `${figure} of ${techniques[technique].title} (${techniques[technique].letter}), ${figureShownOn[figure]}`
    const reading = this.#measured
    if (!reading || Date.now() - reading.at > freshForMs)
      return {
        label: `No projector in this browser is measuring ${what}: a Reveal now is sent without a measured value.`
      }
    const value = reading.values[technique]?.[figure]
    if (value === undefined)
      return {
        label: `The projector does not know ${what} yet (its demo is not running): a Reveal now is sent without a measured value.`
      }
    return {
      value,
      label: `Measured on the projector now: ${formatNumber(value)} ${question.unit} (${what}); a Reveal sends it.`
    }
  }

  /** What the console says of the measured value: what a Reveal would send, or, once revealed, what the room was sent. */
  #label(question: PredictQuestion): string {
    const live = this.#state?.prediction
    if (
      live?.question.id !== question.id ||
      live.phase !== 'revealed' ||
      question.kind !== 'number' ||
      !question.measure
    )
      return this.#measure(question).label
    const { technique, figure } = question.measure
    const what = `${figure} of ${techniques[technique].title} (${techniques[technique].letter})`
    return live.measured === undefined
      ? `Revealed without a measured value: the room sees the answers only, no ${what} to compare with.`
      : `Revealed with the measured ${formatNumber(live.measured)} ${question.unit} (${what}), shown beside the answers.`
  }

  #paint(): void {
    const current = this.#state?.prediction ?? null
    const ids = [...new Set([...this.#ids, ...(current ? [current.question.id] : [])])]
    this.#labels.clear()
    if (ids.length === 0) {
      this.#element.replaceChildren(h('p', { class: 'how' }, 'No prediction on this section.'))
      return
    }
    this.#element.replaceChildren(
      ...ids.map((id) => {
        const question = this.#questions.get(id) ?? (current?.question.id === id ? current.question : undefined)
        const live = current?.question.id === id ? current : undefined
        const phase = live?.phase
        const button = (label: string, next: PredictionPhase | 'clear', enabled: boolean) => {
          const element = h('button', { type: 'button', 'data-prediction-action': next }, label)
          element.disabled = !enabled
          element.addEventListener('click', () => void this.#act(id, question, next))
          return element
        }
        const measure = question ? h('p', { class: 'how prediction-measure' }, this.#label(question)) : undefined
        if (measure) this.#labels.set(id, measure)
        return h(
          'div',
          { class: 'prediction-control', 'data-question': id },
          h('p', { class: 'prediction-question' }, question?.prompt ?? id),
          h(
            'p',
            { class: 'prediction-status', 'aria-live': 'polite' },
            live ? `${phase}: ${live.answers} ${live.answers === 1 ? 'answer' : 'answers'}` : 'not put to the room'
          ),
          h(
            'div',
            { class: 'prediction-buttons' },
            button('Open', 'open', phase !== 'open'),
            button('Close', 'closed', phase === 'open'),
            button('Reveal', 'revealed', phase === 'open' || phase === 'closed'),
            button('Clear', 'clear', live !== undefined)
          ),
          ...(measure ? [measure] : [])
        )
      })
    )
  }

  async #act(id: string, question: PredictQuestion | undefined, next: PredictionPhase | 'clear'): Promise<void> {
    if (next === 'clear') {
      await this.#room.control('/classroom/prediction', 'DELETE')
      return
    }
    const measured = next === 'revealed' && question ? this.#measure(question).value : undefined
    await this.#room.control('/classroom/prediction', 'PUT', {
      question: id,
      phase: next,
      ...(measured === undefined ? {} : { measured })
    })
  }
}
