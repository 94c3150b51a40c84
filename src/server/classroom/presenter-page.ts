import { pageHtml } from '../page-layout.ts'

/**
 * `/presenter`: the projected screen, and nothing else: the current slide full screen (a demo
 * slide runs its technique live), the room's banner, a blank screen on `B`. It follows the
 * classroom state whichever window changes it; `S` opens the teacher's console. The page holds
 * no token: it reads it from its own URL's fragment (or this browser's storage).
 */
export function presenterPage(): string {
  return pageHtml({
    title: 'Projector',
    description: 'The wirewatch projector: the lesson’s current slide, full screen.',
    section: 'presenter',
    bundle: 'presenter',
    bodyClass: 'projector',
    bare: true,
    mainAttributes: { class: 'projector-layout' },
    main: `<h1 class="visually-hidden">wirewatch projector</h1>
<div id="classroom-banner" class="classroom-banner projector-banner" role="status" hidden>
  <p class="announcement" hidden></p>
  <p class="network-cut" hidden></p>
</div>
<div id="stage" class="stage"></div>
<div id="blank-screen" class="blank-screen" hidden><span class="visually-hidden">Blank screen (B shows the slide again)</span></div>
<p id="projector-status" class="projector-status" role="alert" hidden></p>
<div class="projector-tools" role="group" aria-label="Projector">
  <button type="button" id="open-console">Console (S)</button>
  <button type="button" id="fullscreen">Fullscreen (F)</button>
</div>`
  })
}
