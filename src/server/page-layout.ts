/** Escapes text for HTML content and (quoted) attribute values, so it is shown as text, never run as markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** The site's sections, for the navigation bar. */
export type SiteSection = 'side-by-side' | 'lessons' | 'chat' | 'progress' | 'game' | 'presenter'

const navigation: [SiteSection, string, string][] = [
  ['side-by-side', '/', 'Side by side'],
  ['lessons', '/lessons/', 'Lessons'],
  ['chat', '/use-cases/chat', 'Chat'],
  ['progress', '/use-cases/progress', 'Progress bar'],
  ['game', '/use-cases/game', 'Game']
]

export interface PageParts {
  title: string
  description: string
  /** The navigation entry marked as the current page; none for a page outside every section (a 404). */
  section?: SiteSection
  /** The `<main>` element's content, as HTML. Anything not ours in it must already be escaped. */
  main: string
  /** Attributes of `<main>` (its class, data the page's script reads). */
  mainAttributes?: Record<string, string>
  /** Bundle name in `public/build/`: `lesson` → `/build/lesson.js` and `/build/lesson.css`. */
  bundle: string
  /** Class of `<body>` (the presenter view is larger). */
  bodyClass?: string
  /** Leave out the site's navigation and classroom bar: the projector shows only its slide. */
  bare?: boolean
}

/**
 * The navigation, then the room's banner (announcement, network cut: sticky, so it stays in view
 * and the page leaves room for it) and "follow the teacher".
 */
function siteHeader(links: string): string {
  return `  <a class="skip-link" href="#main">Skip to the content</a>
  <div id="classroom-banner" class="classroom-banner" role="status" hidden>
    <p id="announcement" class="announcement" hidden></p>
    <p id="network-cut" class="network-cut" hidden></p>
  </div>
  <header class="site-header">
    <nav aria-label="wirewatch"><a class="site-name" href="/">wirewatch</a><ul>${links}</ul></nav>
    <div class="classroom-bar">
      <label><input type="checkbox" id="follow-teacher"> follow the teacher's lesson</label>
    </div>
  </header>
`
}

/**
 * The HTML shell every server-rendered page shares: navigation, the classroom bar (follow the
 * teacher, announcements) and one script bundle. No inline script or style, so a strict
 * Content-Security-Policy can forbid them.
 */
export function pageHtml({
  title,
  description,
  section,
  main,
  mainAttributes = {},
  bundle,
  bodyClass,
  bare = false
}: PageParts): string {
  const links = navigation
    .map(([name, href, label]) => {
      const current = name === section ? ' aria-current="page"' : ''
      return `<li><a href="${href}"${current}>${label}</a></li>`
    })
    .join('')
  const attributes = Object.entries(mainAttributes)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join('')
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · wirewatch</title>
  <meta name="description" content="${escapeHtml(description)}">
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/styles.css">
  <link rel="stylesheet" href="/build/${bundle}.css">
  <script type="module" src="/build/${bundle}.js"></script>
</head>
<body${bodyClass ? ` class="${bodyClass}"` : ''}>
${bare ? '' : siteHeader(links)}  <main id="main"${attributes}>
${main}
  </main>
</body>
</html>
`
}
