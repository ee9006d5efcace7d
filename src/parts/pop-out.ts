/**
 * The call in a window of its own that stays on top of every other (Meet's "picture in
 * picture"): with Document Picture-in-Picture (Chromium 116+), a small window with who is on
 * the stage, our own video, and the microphone, camera and leave buttons; it follows the call
 * and closes when the call ends. Where the browser has only video picture-in-picture
 * (Safari, Firefox's own), the stage's video goes there instead. Part of the in-call part.
 *
 * The window is a separate document: it gets its own copy of the styles it needs, its own
 * video elements on the same streams (muted: the sound keeps coming from the page), and it is
 * drawn with Lit's `render` on each of the Call's updates.
 */
import { css, html, nothing, render } from 'lit';
import type { Call } from '../call/call.js';
import { CallUpdateEvent, StateChangeEvent } from '../events.js';
import { t } from '../strings.js';
import { cameraButton, micButton } from '../views/device-buttons.js';
import type { ViewActions, ViewState } from '../views/view-context.js';
import { icon } from './in-call-icons.js';
import { stage } from './stage.js';

interface DocumentPictureInPicture {
  requestWindow(options?: { width?: number; height?: number }): Promise<Window>;
  readonly window: Window | null;
}
const documentPip = (): DocumentPictureInPicture | undefined => (globalThis as { documentPictureInPicture?: DocumentPictureInPicture }).documentPictureInPicture;

/** The window's own styles (a document cannot share the page's constructed sheets). */
const WINDOW_CSS = css`
  :root {
    color-scheme: dark;
    font: 14px system-ui, sans-serif;
  }
  body {
    margin: 0;
    background: #111;
    color: #fff;
    display: grid;
    grid-template-rows: 1fr auto;
    block-size: 100vh;
  }
  .pip-stage {
    position: relative;
    min-block-size: 0;
  }
  .pip-stage video {
    inline-size: 100%;
    block-size: 100%;
    object-fit: cover;
  }
  .pip-stage .self {
    position: absolute;
    inset-block-end: 8px;
    inset-inline-end: 8px;
    inline-size: 30%;
    block-size: auto;
    border-radius: 6px;
  }
  .mirror {
    transform: scaleX(-1);
  }
  .pip-name {
    position: absolute;
    inset-block-start: 6px;
    inset-inline-start: 8px;
    padding: 2px 6px;
    border-radius: 4px;
    background: rgb(0 0 0 / 0.6);
  }
  .pip-controls {
    display: flex;
    justify-content: center;
    gap: 8px;
    padding: 8px;
  }
  button {
    display: grid;
    place-items: center;
    inline-size: 40px;
    block-size: 40px;
    border: 0;
    border-radius: 50%;
    background: #333;
    color: inherit;
    cursor: pointer;
  }
  button[aria-pressed='false'].device {
    background: #c5221f;
  }
  button.leave {
    background: #c5221f;
  }
  svg {
    inline-size: 20px;
    block-size: 20px;
  }
`.cssText;

/** The window, if one is open (a page has one at most): whose call it shows, and the state it draws from. */
let open: { window: Window; call: Call; state: ViewState; draw(): void } | undefined;

/** What the window shows now. */
function windowView(s: ViewState, a: ViewActions) {
  const { call } = s;
  const featured = stage(s).featured;
  const peer = call.peers.find((p) => p.id === featured) ?? call.peers[0];
  return html`
    <div class="pip-stage">
      ${peer
        ? html`<video part="pip-video" data-peer=${peer.id} .srcObject=${peer.stream} muted .muted=${true} autoplay playsinline></video>
            <span class="pip-name">${peer.name}</span>`
        : nothing}
      ${call.media.video
        ? html`<video part="pip-self" class=${call.media.screen ? 'self' : 'self mirror'} .srcObject=${call.localStream} muted .muted=${true} autoplay playsinline></video>`
        : nothing}
    </div>
    <div class="pip-controls" role="toolbar" aria-label=${t('controls.label')}>
      ${micButton(s, a)} ${cameraButton(s, a)}
      <button part="pip-leave" class="leave" aria-label=${t('controls.leave')} title=${t('controls.leave')} @click=${a.leave}>${icon('leave')}</button>
    </div>
  `;
}

/** Opens the call's window (or the stage's video in picture-in-picture), or closes it. */
async function toggle(s: ViewState, a: ViewActions, root: ParentNode) {
  if (open) return open.window.close();
  const pip = documentPip();
  if (!pip) {
    // Video picture-in-picture of whoever is on the stage (a peer's video, else the first).
    const video = root.querySelector<HTMLVideoElement>(`[data-peer="${stage(s).featured}"] video[data-remote]`) ?? root.querySelector<HTMLVideoElement>('video[data-remote]');
    await video?.requestPictureInPicture().catch(() => {});
    return;
  }
  const win = await pip.requestWindow({ width: 360, height: 300 });
  const style = win.document.createElement('style');
  style.textContent = WINDOW_CSS;
  win.document.head.append(style);
  win.document.title = t('controls.popOut');
  const call = s.call;
  // Drawn on the Call's own updates, not the element's renders: with the page's tab in the
  // background those come once a second, and the window is what the user looks at then.
  const draw = () => open?.window === win && render(windowView(open.state, a), win.document.body);
  const onState = () => (call.state === 'joined' ? draw() : win.close());
  call.addEventListener(CallUpdateEvent.type, draw);
  call.addEventListener(StateChangeEvent.type, onState);
  win.addEventListener(
    'pagehide',
    () => {
      call.removeEventListener(CallUpdateEvent.type, draw);
      call.removeEventListener(StateChangeEvent.type, onState);
      if (open?.window === win) open = undefined;
      a.refresh();
    },
    { once: true },
  );
  open = { window: win, call, state: s, draw };
  draw();
  a.refresh();
}

/** The control bar's button, where the browser has either kind of picture-in-picture. */
export function popOutButton(s: ViewState, a: ViewActions) {
  if (!documentPip() && !document.pictureInPictureEnabled) return nothing;
  // The window draws from the newest state its element rendered.
  if (open?.call === s.call) open.state = s;
  const on = open?.call === s.call;
  return html`<button part="control pop-out-button" class="control toggle" aria-label=${t('controls.popOut')} aria-pressed=${on ? 'true' : 'false'}
    title=${t('controls.popOut')} @click=${(e: Event) => void toggle(s, a, (e.currentTarget as Element).getRootNode() as ParentNode)}>${icon('pip')}</button>`;
}
