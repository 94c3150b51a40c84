/** The name of the setting that makes a reverse proxy's origin acceptable to the WebSocket Origin check. */
export const publicUrlSetting = 'PUBLIC_URL'

/** The Origin check's answer for one request: what `POST /wire/origin-check` answers. */
export interface OriginVerdict {
  accepted: boolean
  /** The request's `Origin`, or `null` when it had none. */
  origin: string | null
  /** The request's `Host`: the address the server thinks it was reached at (`null` when none). */
  host: string | null
  /** The setting that makes a proxy's origin accepted. */
  setting: typeof publicUrlSetting
  /** Why it was refused, in plain words, starting "it came through …" (empty when accepted). */
  message: string
}
