import type { PredictionState } from './prediction.ts'
import type { TechniqueName } from './techniques.ts'

/** What the presenter has set for every page in the room, as `GET /classroom` shows it. */
export interface ClassroomState {
  /** Slug of the lesson on the projector, or null before the presenter picks one. */
  lesson: string | null
  /** Id of the lesson's section on the projector ('' for its title slide). */
  section: string
  /** Which slide of that section (0-based): a long section is laid out on several slides. */
  slide: number
  /** The projector shows a blank screen (the `B` key), so the room looks at the teacher. */
  blank: boolean
  /** The techniques students' pages may run; the others are switched off. */
  techniques: TechniqueName[]
  /** A line the teacher shows on every page ('' for none). Always shown as text. */
  announcement: string
  /** Epoch ms until which the network is cut for every page (0 when it is not). */
  networkCutUntil: number
  /** The `::: predict` question the teacher has opened for the room, or null. */
  prediction: PredictionState | null
  /**
   * Counts the changes: +1 each. The answer to a window's own PUT can arrive after a newer state
   * it already heard on /wire/live (another window moved the room meanwhile); this tells which is newer.
   */
  revision: number
}

/** What `PUT /classroom` may change. */
export type ClassroomChange = Partial<
  Pick<ClassroomState, 'lesson' | 'section' | 'slide' | 'blank' | 'techniques' | 'announcement'>
>

/** `GET /classroom/audience`: student pages open right now (not the teacher's), and how many of them use each technique. */
export interface Audience {
  /** Pages with their live status connection open (the presenter's own page not counted). */
  pages: number
  /** Of those, pages with a request of that technique in progress (held poll, stream, WebSocket) or begun in the last `activeWithinMs`. */
  techniques: Record<TechniqueName, number>
  activeWithinMs: number
}

/** `GET /classroom/student-url`: the address students open, and whether phones can reach this server. */
export interface StudentUrl {
  /** What students type and the QR code encodes. */
  url: string
  /** The address this server listens on (`127.0.0.1`, `0.0.0.0`, …). */
  listensOn: string
  /** False when the server listens on loopback only and no PUBLIC_URL (a proxy in front) says where phones go. */
  reachable: boolean
  /** When not reachable: what is wrong and how to start for a classroom. */
  warning?: string
}

export const classroomLimits = {
  announcementMax: 280,
  cutSecondsMax: 60,
  slideMax: 99,
  audienceActiveWithinMs: 10_000
} as const
