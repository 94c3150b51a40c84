import { eventStream } from './event-stream.ts'
import { http10VsHttp11 } from './http10-vs-http11.ts'
import { longPoll } from './long-poll.ts'
import { tcpHandshake } from './tcp-handshake.ts'
import { websocketFrame } from './websocket-frame.ts'
import { websocketUpgrade } from './websocket-upgrade.ts'

/** Every figure a lesson can show with `::: figure <name>`, each drawn by the server as SVG. */
export const figures: Readonly<Record<string, () => string>> = {
  'tcp-handshake': tcpHandshake,
  'http10-vs-http11': http10VsHttp11,
  'long-poll': longPoll,
  'event-stream': eventStream,
  'websocket-upgrade': websocketUpgrade,
  'websocket-frame': websocketFrame
}

/** The SVG of the figure called `name`; a name no figure has throws, so a lesson naming one stops the build. */
export function figureSvg(name: string): string {
  const draw = Object.hasOwn(figures, name) ? figures[name] : undefined
  if (!draw) throw new Error(`::: figure ${name} — no such figure (there are: ${Object.keys(figures).join(', ')})`)
  return draw()
}
