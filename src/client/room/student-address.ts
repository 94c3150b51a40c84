import type { StudentUrl } from '../../shared/classroom.ts'
import { ask } from '../platform/ask.ts'

/** The QR code of the students' address, drawn by the server (an SVG, dark on white). */
export const studentQrPath = '/classroom/qr.svg'

export type StudentAddress = { ok: true; address: StudentUrl } | { ok: false; why: string }

let asking: Promise<StudentAddress> | undefined

/**
 * Where students go (`GET /classroom/student-url`): the LAN address in a classroom, never a loopback
 * one a phone cannot open. Asked once per page and shared by whatever shows it; a failure is
 * forgotten, so the next caller asks again.
 */
export function studentAddress(): Promise<StudentAddress> {
  asking ??= ask(() => fetch('/classroom/student-url')).then(async (asked): Promise<StudentAddress> => {
    if (!asked.ok) {
      asking = undefined
      return asked
    }
    return { ok: true, address: (await asked.response.json()) as StudentUrl }
  })
  return asking
}
