import { techniqueNames } from '../../shared/techniques.ts'
import { pageHtml } from '../page-layout.ts'

/**
 * `/presenter`: the lessons as slides on the projector, large live panels, the room's controls,
 * who is connected by which technique, and the student URL as a QR code. The page holds no token:
 * it reads it from its own URL's fragment, and without it every control stays disabled.
 */
export function presenterPage(): string {
  const techniqueBoxes = techniqueNames
    .map((name) => `<label><input type="checkbox" name="technique" value="${name}" checked> ${name}</label>`)
    .join('\n')
  const audienceRows = techniqueNames
    .map((name) => `<tr data-technique="${name}"><th scope="row">${name}</th><td data-audience="${name}">–</td></tr>`)
    .join('\n')
  return pageHtml({
    title: 'Presenter',
    description: 'Drive a wirewatch class: lessons as slides, live panels, the room’s controls.',
    section: 'presenter',
    bundle: 'presenter',
    bodyClass: 'presenter',
    mainAttributes: { class: 'presenter-layout' },
    main: `<h1 class="visually-hidden">Presenter view</h1>
<p id="presenter-status" class="presenter-status" role="alert" hidden></p>
<section class="stage" aria-label="Slides">
  <div class="slide-bar">
    <label>Lesson <select id="lesson-select"></select></label>
    <button type="button" id="slide-prev">← Previous</button>
    <span id="slide-position" aria-live="polite">–</span>
    <button type="button" id="slide-next">Next →</button>
    <button type="button" id="show-panels" aria-pressed="false">All the panels</button>
  </div>
  <article id="slide" class="slide lesson-body"></article>
  <div id="all-panels" class="panels" hidden></div>
</section>
<aside class="room" aria-label="The room">
  <section aria-labelledby="join-title">
    <h2 id="join-title">Students open</h2>
    <img id="student-qr" src="/classroom/qr.svg" alt="QR code of the student address" width="180" height="180">
    <p><strong id="student-url">–</strong></p>
  </section>
  <section aria-labelledby="audience-title">
    <h2 id="audience-title">Connected now</h2>
    <p><strong id="audience-pages">–</strong> student pages</p>
    <table class="audience"><caption class="visually-hidden">Student pages using each technique</caption>
      <thead><tr><th scope="col">technique</th><th scope="col">pages</th></tr></thead>
      <tbody>${audienceRows}</tbody>
    </table>
    <p class="how">A page counts while its status connection (/wire/live) is open; it counts for a technique while a request of it
      is in progress (a held poll, a stream, a WebSocket) or was made in the last 10 s (the server's socket accounting).</p>
  </section>
  <section aria-labelledby="controls-title" class="room-controls">
    <h2 id="controls-title">For every student page</h2>
    <fieldset class="feed-controls">
      <legend>The feed</legend>
      <label>rate <input id="feed-rate" type="number" min="0" max="50" step="1" value="1" inputmode="numeric"> events/s</label>
      <label>arrivals <select id="feed-pattern"></select></label>
      <button id="feed-pause" type="button" aria-pressed="false">Pause feed</button>
      <span>now <strong id="feed-rate-now">–</strong></span>
    </fieldset>
    <fieldset id="room-techniques">
      <legend>Techniques students’ pages run</legend>
      ${techniqueBoxes}
    </fieldset>
    <div id="network-controls" class="network-controls"></div>
    <fieldset>
      <legend>Cut the network for everyone</legend>
      <label>for <input id="cut-seconds" type="number" min="1" max="60" value="10" inputmode="numeric"> s</label>
      <button type="button" id="cut-network">Cut now</button>
      <button type="button" id="restore-network">Restore</button>
    </fieldset>
    <form id="announce-form">
      <label for="announcement-text">Announcement</label>
      <input id="announcement-text" type="text" maxlength="280" autocomplete="off">
      <button type="submit">Show on every page</button>
      <button type="button" id="announcement-clear">Clear</button>
    </form>
  </section>
</aside>`
  })
}
