import type { FastifyPluginAsync } from 'fastify'
import { pageHtml } from '../page-layout.ts'

const how = (what: string) =>
  `<p class="lead">${what} Pick a technique: the events come through the same feed as everywhere else in wirewatch, and what you send goes over the WebSocket when that is the technique (full duplex), otherwise as a <code>POST</code>.</p>`

const pages = {
  chat: pageHtml({
    title: 'Live chat',
    description: 'A chat room over any technique.',
    section: 'chat',
    bundle: 'chat',
    mainAttributes: { class: 'use-case' },
    main: `<h1>Live chat</h1>
${how('Everybody on this server talks in one room.')}
<div id="chat-technique" class="technique-choice"></div>
<ol id="chat-log" class="chat-log" aria-label="Messages" aria-live="polite"></ol>
<form id="chat-form" class="chat-form">
  <label for="chat-name">Your name</label>
  <input id="chat-name" name="name" maxlength="24" autocomplete="nickname">
  <label for="chat-text">Message</label>
  <input id="chat-text" name="text" maxlength="280" required autocomplete="off">
  <button type="submit">Send</button>
  <output id="chat-error" for="chat-text" role="alert"></output>
</form>`
  }),
  progress: pageHtml({
    title: 'Progress bar',
    description: 'A server job’s progress over any technique.',
    section: 'progress',
    bundle: 'progress',
    mainAttributes: { class: 'use-case' },
    main: `<h1>Progress bar</h1>
${how('Start a job on the server: it takes 5 s in 50 steps (it only waits: a stand-in for real work) and publishes its progress when it starts and after each step: 51 events.')}
<div id="job-technique" class="technique-choice"></div>
<p><button type="button" id="job-start">Start a job</button> <output id="job-error" role="alert"></output></p>
<p class="job"><label for="job-progress">Job progress</label>
  <progress id="job-progress" max="100" value="0"></progress> <strong id="job-percent">0 %</strong></p>
<dl class="figures job-figures">
  <div><dt>Progress events received</dt><dd><strong id="job-received">–</strong> of <span id="job-events">51</span></dd></div>
  <div><dt>Screen updates drawn</dt><dd><strong id="job-updates">–</strong></dd></div>
  <div><dt>Biggest jump between two drawn updates</dt><dd><strong id="job-jump">–</strong></dd></div>
</dl>
<output id="job-background" class="job-background"></output>
<p class="job-how">Counted in this browser. The bar is drawn at most once a frame (<code>requestAnimationFrame</code>), with
  the newest progress received: events that arrive between two frames make one screen update. One step is 2 %: a bigger
  jump means this technique delivered several steps together (polling brings everything since its last request). A tab
  in the background draws no frame at all: the page says how long it was there during the job.</p>
<h2>Finished jobs</h2>
<ol id="job-history" reversed></ol>`
  }),
  game: pageHtml({
    title: 'Shared board',
    description: 'A small multiplayer board over any technique.',
    section: 'game',
    bundle: 'game',
    mainAttributes: { class: 'use-case' },
    main: `<h1>Shared board</h1>
${how('Move your dot with the arrow keys (click the board first) or by dragging; the server publishes where everybody is up to 30 times a second.')}
<div id="game-technique" class="technique-choice"></div>
<p><label for="player-name">Your name</label> <input id="player-name" maxlength="24" autocomplete="nickname">
  <output id="game-error" role="alert"></output></p>
<canvas id="board" class="board" width="800" height="500" tabindex="0"
  aria-label="The shared board: use the arrow keys to move your dot" aria-describedby="players-title"></canvas>
<h2 id="players-title">On the board</h2>
<ul id="players" aria-live="off"></ul>`
  })
}

/** The three use cases' pages: `/use-cases/chat`, `/use-cases/progress`, `/use-cases/game`. */
const useCasePages: FastifyPluginAsync = async (app) => {
  for (const [name, html] of Object.entries(pages))
    app.get(`/use-cases/${name}`, (_request, reply) => reply.type('text/html; charset=utf-8').send(html))
}

export default useCasePages
