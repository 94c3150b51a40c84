// Page-side figures of issue 6: the gzipped size of the main page's JavaScript, and how soon after
// navigation start each panel shows its first event, measured in Debian's Chromium driven by Playwright.
// Run with `node --import tsx bench/page-figures.ts [baseUrl]`; without a URL it starts the real server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { type Browser, chromium, type Response } from '@playwright/test'
import type { FeedPage } from '../src/shared/feed-event.ts'
import { allTechniques, type TechniqueName } from '../src/shared/techniques.ts'

export interface PageFigures {
  /** Every script the main page `/` loads: URL path, bytes as served, bytes gzipped (zlib default level). */
  scripts: { path: string; bytes: number; gzipBytes: number }[]
  /** Sum of gzipBytes: "the whole page's JavaScript". */
  pageJsGzipBytes: number
  /** Per panel (technique name): ms from navigation start until the panel shows its first event, and until it shows the first event published AFTER navigation start (a live one, not the starting backlog). null if never within the timeout. */
  firstEventMs: Record<string, { any: number | null; live: number | null }>
}

/**
 * The panels that show events when the page loads: the automatic ones, and a whole page reloaded
 * by hand (its answers are HTML), which loads once when switched on. Manual AJAX shows nothing
 * until Update, so its "first event" would time the click, not the page.
 */
export const measuredPanels: readonly TechniqueName[] = allTechniques
  .filter((technique) => technique.asking !== 'by hand' || technique.contentType === 'text/html')
  .map((technique) => technique.name)

/** The manual ones then wait for their button: their first answer is all they show. */
const showsOnce: readonly string[] = allTechniques
  .filter((technique) => technique.asking === 'by hand')
  .map((technique) => technique.name)

/** How long one run waits for every panel's first live event (polling's comes after its 1 s interval). */
const settleTimeoutMs = 5_000

/** The same Chromium flags as the e2e tests (playwright.config.ts): no downloads, no background traffic. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/** What the page records per panel: `performance.now()` and the event id, for the first row and the first live row. */
type Seen = Record<string, { any?: { ms: number; id: number }; live?: { ms: number; id: number } }>

/** A script the page loaded: its URL path and the body the browser got (decoded, if it came compressed). */
type Script = { path: string; body: Buffer }

/** The global the init script records into; unlikely to clash with anything of the page. */
const recordKey = '__wirewatchFirstEvents'

/**
 * Installed before any of the page's own scripts: watches the document and notes, per panel
 * (`section.panel#<name>`), when a row `ol.events > li[data-id]` first appears, and when the first
 * row with an id above `latestBefore` does (an event published after navigation started).
 * The time is `performance.now()` in the observer's callback, which runs right after the task that
 * inserted the row: ms since navigation start. The row is painted in the next frame, ≤ ~16 ms later.
 */
function recordFirstEvents({ key, latestBefore }: { key: string; latestBefore: number }): void {
  if (window !== window.top) return // the refresh panel's frame has no panels of its own
  const seen: Seen = {}
  ;(window as unknown as Record<string, Seen>)[key] = seen
  new MutationObserver((mutations) => {
    const ms = performance.now()
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (!(node instanceof HTMLElement)) continue
        const rows = node.matches('li[data-id]') ? [node] : [...node.querySelectorAll<HTMLElement>('li[data-id]')]
        for (const row of rows) {
          const panel = row.parentElement?.matches('ol.events') ? row.closest('section.panel') : null
          if (!panel) continue
          const id = Number(row.dataset.id)
          const first = seen[panel.id] ?? {}
          seen[panel.id] = first
          first.any ??= { ms, id }
          if (id > latestBefore) first.live ??= { ms, id }
        }
      }
    }
  }).observe(document, { childList: true, subtree: true })
}

/** The feed's newest id now, from the polling endpoint (no client id: counted as page traffic). */
async function latestId(baseUrl: string): Promise<number> {
  const response = await fetch(new URL('/feed/polling', baseUrl))
  if (!response.ok) throw new Error(`GET /feed/polling answered ${response.status}`)
  return ((await response.json()) as FeedPage).latest
}

/** One fresh context: load `/`, wait until every measured panel has its live event (or the timeout), read the records. */
async function measureRun(browser: Browser, baseUrl: string): Promise<{ seen: Seen; scripts: Script[] }> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    const origin = new URL(baseUrl).origin
    const responses: Response[] = []
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script' && new URL(response.url()).origin === origin)
        responses.push(response)
    })
    // Read as late as possible: any event with a higher id was published after this, so after navigation began
    // or at most the few ms of this request's answer before it.
    await page.addInitScript(recordFirstEvents, { key: recordKey, latestBefore: await latestId(baseUrl) })
    await page.goto(new URL('/', baseUrl).href)
    await page
      .waitForFunction(
        ({ key, names, once }) => {
          const seen = (window as unknown as Record<string, Seen>)[key] ?? {}
          return names.every((name) => seen[name]?.live || (once.includes(name) && seen[name]?.any))
        },
        { key: recordKey, names: [...measuredPanels], once: showsOnce },
        { timeout: settleTimeoutMs, polling: 50 }
      )
      .catch((error: Error) => {
        if (error.name !== 'TimeoutError') throw error // a timeout only means some panel reports null
      })
    const seen = await page.evaluate((key) => (window as unknown as Record<string, Seen>)[key] ?? {}, recordKey)
    // Bodies must be read before the context closes.
    const scripts = await Promise.all(
      responses.map(async (response) => ({ path: new URL(response.url()).pathname, body: await response.body() }))
    )
    return { seen, scripts }
  } finally {
    await context.close()
  }
}

/** Median, with null counting as "never" (so a majority of nulls gives null). */
function median(values: (number | null)[]): number | null {
  const sorted = values.map((value) => value ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b)
  const middle = sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY
  return Number.isFinite(middle) ? Math.round(middle) : null
}

/**
 * Measures the page at `baseUrl` in Chromium. Scripts: every same-origin response of resource type
 * `script` while the first run loads `/` (bytes = the body the browser got; gzip at zlib's default
 * level). First events: `runs` loads of `/` (default 3), each in a fresh browser context (empty cache,
 * new client id), reported as the median per panel; see `recordFirstEvents` for what is timed.
 * "Live" means an id above the feed's latest, read by `GET /feed/polling` just before `page.goto`, so
 * an event published in the few ms between that answer and navigation start also counts as live.
 * When the feed publishes faster than the page loads (20/s against ~0.4 s), the backlog a panel gets
 * first already holds live events and both figures are the same; at 1/s they differ. Only the
 * panels in `measuredPanels` are measured: the ones that fetch on their own.
 */
export async function measurePage(baseUrl: string, options: { runs?: number } = {}): Promise<PageFigures> {
  const runs = options.runs ?? 3
  if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('runs must be a whole number ≥ 1')
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs })
  try {
    const results: Seen[] = []
    let loaded: Script[] = []
    for (let run = 0; run < runs; run++) {
      const { seen, scripts } = await measureRun(browser, baseUrl)
      results.push(seen)
      if (run === 0) loaded = scripts
    }

    const byPath = new Map<string, PageFigures['scripts'][number]>()
    for (const { path, body } of loaded)
      if (!byPath.has(path)) byPath.set(path, { path, bytes: body.length, gzipBytes: gzipSync(body).length })
    const scripts = [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path))

    const firstEventMs: PageFigures['firstEventMs'] = {}
    for (const name of measuredPanels)
      firstEventMs[name] = {
        any: median(results.map((seen) => seen[name]?.any?.ms ?? null)),
        live: median(results.map((seen) => seen[name]?.live?.ms ?? null))
      }
    return { scripts, pageJsGzipBytes: scripts.reduce((sum, s) => sum + s.gzipBytes, 0), firstEventMs }
  } finally {
    await browser.close()
  }
}

const root = fileURLToPath(new URL('..', import.meta.url))

/** The real server in a child process on a free port, as `bench/soak.ts` starts it; resolves with its URL. */
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', FEED_RATE: '20', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not say where it listens within 30 s')), 30_000)
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening`)))
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const listening = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/)/m.exec(chunk)
      if (!listening?.[1]) return
      clearTimeout(timer)
      resolveUrl(listening[1])
    })
  })
  return { child, url }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit))
  child.kill('SIGTERM')
  await exited
}

function printFigures(figures: PageFigures, runs: number): void {
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`
  console.log('Scripts of / (bytes as served, gzipped at zlib level 6)')
  for (const { path, bytes, gzipBytes } of figures.scripts)
    console.log(`  ${path.padEnd(24)} ${kB(bytes).padStart(10)} ${kB(gzipBytes).padStart(10)} gz`)
  console.log(`  whole page's JavaScript: ${kB(figures.pageJsGzipBytes)} gzipped (target ≤ 100 kB)`)
  console.log(`\nFirst event shown, ms after navigation start (median of ${runs} runs; ajax waits for a click)`)
  console.log(`  ${'panel'.padEnd(14)} ${'any'.padStart(8)} ${'live'.padStart(8)}`)
  const ms = (value: number | null) => (value === null ? 'never' : String(value)).padStart(8)
  for (const [name, { any, live }] of Object.entries(figures.firstEventMs))
    console.log(`  ${name.padEnd(14)} ${ms(any)} ${ms(live)}`)
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href
if (runDirectly) {
  const runs = 3
  let baseUrl = process.argv[2]
  let server: ChildProcess | undefined
  try {
    if (!baseUrl) {
      if (!existsSync(resolve(root, 'public/build/app.js'))) {
        const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' })
        if (build.status !== 0) throw new Error('npm run build failed')
      }
      const started = await startServer()
      server = started.child
      baseUrl = started.url
    }
    printFigures(await measurePage(baseUrl, { runs }), runs)
  } catch (error) {
    console.error(`page-figures: ${(error as Error).message}`)
    process.exitCode = 1
  } finally {
    if (server) await stopServer(server)
  }
}
