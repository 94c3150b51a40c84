// Bundles the browser code (src/client) into public/build/: one script (and its CSS) per kind
// of page, no CDN, works offline.
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))

await build({
  absWorkingDir: root,
  entryPoints: {
    app: 'src/client/pages/main.ts',
    lesson: 'src/client/pages/lesson-page.ts',
    presenter: 'src/client/pages/projector-page.ts',
    console: 'src/client/pages/console-page.ts',
    chat: 'src/client/use-cases/chat-page.ts',
    progress: 'src/client/use-cases/progress-page.ts',
    game: 'src/client/use-cases/game-page.ts'
  },
  outdir: 'public/build',
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  logLevel: 'warning'
})
