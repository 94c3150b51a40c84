import { techniqueNames, techniques } from '../../shared/techniques.ts'
import { pageHtml } from '../page-layout.ts'

/**
 * `/presenter/console`: the teacher's window (reveal.js's speaker view): the current and the next
 * slide, the notes, a timer, every slide of the lesson, the prediction's controls, who is here,
 * and the room's controls. It works opened from the projector (`S`) or alone on another device
 * with the token; the projector follows whatever it does.
 */
export function consolePage(): string {
  const techniqueBoxes = techniqueNames
    .map(
      (name) =>
        `<label class="technique-choice" data-technique="${name}"><input type="checkbox" name="technique" value="${name}" checked> <span class="technique-badge" aria-hidden="true">${techniques[name].letter}</span> ${techniques[name].title}</label>`
    )
    .join('\n')
  const audienceRows = techniqueNames
    .map(
      (name) =>
        `<tr data-technique="${name}"><th scope="row"><span class="technique-badge" aria-hidden="true">${techniques[name].letter}</span> ${techniques[name].title}</th><td data-audience="${name}">–</td><td data-http-version="${name}">–</td></tr>`
    )
    .join('\n')
  return pageHtml({
    title: 'Presenter console',
    description: 'The teacher’s console: next slide, notes, timer, the room’s controls.',
    section: 'presenter',
    bundle: 'console',
    bodyClass: 'console',
    bare: true,
    mainAttributes: { class: 'console-layout' },
    main: `<h1 class="visually-hidden">Presenter console</h1>
<p id="console-status" class="console-status" role="alert" hidden></p>
<header class="console-bar">
  <label class="lesson-choice">Lesson <select id="lesson-select"></select></label>
  <button type="button" id="slide-prev" aria-label="Previous slide">← Prev</button>
  <span id="slide-position" class="slide-position" aria-live="polite">–</span>
  <button type="button" id="slide-next" aria-label="Next slide">Next →</button>
  <button type="button" id="blank-toggle" aria-pressed="false">Blank (B)</button>
  <button type="button" id="overview-toggle">Overview (Esc)</button>
  <button type="button" id="open-projector">Open the projector</button>
  <div class="timer" role="group" aria-label="Timer">
    <span class="timer-label">elapsed</span> <strong id="timer-elapsed" class="timer-elapsed">0:00</strong>
    <button type="button" id="timer-pause">Pause</button>
    <button type="button" id="timer-reset">Reset</button>
    <span class="clock-now">now <span id="clock-now">–</span></span>
  </div>
</header>
<section class="console-now" aria-labelledby="now-title">
  <h2 id="now-title">Now on the projector <span id="now-title-text" class="preview-title"></span></h2>
  <div id="preview-current" class="preview-current"></div>
</section>
<section class="console-next" aria-labelledby="next-title">
  <h2 id="next-title">Next <span id="next-title-text" class="preview-title"></span></h2>
  <div id="preview-next"></div>
</section>
<section class="console-notes" aria-labelledby="notes-title">
  <h2 id="notes-title">Notes</h2>
  <div id="notes" class="notes-text"></div>
</section>
<section class="console-predict" aria-labelledby="predict-title">
  <h2 id="predict-title">Predict, then observe</h2>
  <div id="prediction-controls"></div>
</section>
<section class="console-overview" aria-labelledby="overview-title">
  <h2 id="overview-title">All slides of this lesson</h2>
  <div id="overview-list"></div>
</section>
<aside class="console-room" aria-label="The room">
  <section aria-labelledby="join-title">
    <h2 id="join-title">Students open</h2>
    <p id="reach-warning" class="reach-warning" role="alert" hidden></p>
    <div class="join">
      <img id="student-qr" src="/classroom/qr.svg" alt="QR code of the student address" width="150" height="150">
      <p><strong id="student-url">–</strong></p>
    </div>
  </section>
  <section aria-labelledby="audience-title">
    <h2 id="audience-title">Connected now: <strong id="audience-pages">–</strong> student pages</h2>
    <table class="audience"><caption class="visually-hidden">Student pages using each technique</caption>
      <thead><tr><th scope="col">technique</th><th scope="col">pages</th><th scope="col">HTTP version</th></tr></thead>
      <tbody>${audienceRows}</tbody>
    </table>
    <p class="how">A page counts while its status connection (/wire/live) is open; for a technique while a request of it
      is in progress (a held poll, a stream, a WebSocket) or was made in the last 10 s (the server's socket accounting).
      HTTP version: what every page's requests of the technique arrived in, as the server saw them (HTTP/2 only when
      the server runs with --http2 and the browser chose it).</p>
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
    <fieldset id="room-techniques" class="room-techniques">
      <legend>Techniques students’ pages run</legend>
      ${techniqueBoxes}
    </fieldset>
    <div id="network-controls" class="network-controls"></div>
    <fieldset>
      <legend>Cut the network for everyone</legend>
      <label>for <input id="cut-seconds" type="number" min="1" max="60" value="10" inputmode="numeric"> s</label>
      <button type="button" id="cut-network">Cut now</button>
      <button type="button" id="restore-network">Restore</button>
      <p id="cut-countdown" class="cut-countdown" role="status"></p>
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
