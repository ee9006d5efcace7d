/**
 * The microphone meter of the preview: does my microphone work, and how loud am I? A bar
 * that follows the level of the microphone the preview captures (MicrophoneLevel: a Web Audio
 * analyser on a clone of the track), drawn at the display's frame rate by writing its own
 * style (`<peer-call-meter>`, defined by this part), not by rendering the element. Browsers start an AudioContext only after a user
 * gesture: the meter starts at the first key or click in the element (typing the name will
 * do). Part of the in-call part, asked for once the preview has a microphone.
 */
import { css, html, nothing } from 'lit';
import { MicrophoneLevel } from '../media/microphone-level.js';
import { t } from '../strings.js';
import type { ViewState } from '../views/view-context.js';

/** `<peer-call-meter>`: a bar that follows its `track`'s level while it is in a document. */
class Meter extends HTMLElement {
  #level = new MicrophoneLevel();
  #context: AudioContext | undefined;
  #frame = 0;
  #track: MediaStreamTrack | null = null;
  /** The shadow root it listens on for a first gesture (after a disconnection it is no longer its root). */
  #root: Node | undefined;
  #resume = () => void this.#context?.resume().catch(() => {});

  set track(track: MediaStreamTrack | null) {
    this.#track = track;
    this.#level.listen(this.#context, track);
  }

  connectedCallback() {
    if (typeof AudioContext !== 'function') return;
    this.#context = new AudioContext();
    this.#level.listen(this.#context, this.#track);
    this.#root = this.getRootNode();
    for (const type of ['pointerdown', 'keydown']) this.#root.addEventListener(type, this.#resume);
    const bar = (this.firstElementChild ?? this.appendChild(document.createElement('i'))) as HTMLElement;
    const draw = () => {
      // The RMS of speech is ~0.05–0.3: scaled so that normal speech fills most of the bar.
      bar.style.transform = `scaleX(${Math.min(1, this.#level.read() * 4).toFixed(3)})`;
      this.#frame = requestAnimationFrame(draw);
    };
    draw();
  }

  disconnectedCallback() {
    cancelAnimationFrame(this.#frame);
    for (const type of ['pointerdown', 'keydown']) this.#root?.removeEventListener(type, this.#resume);
    this.#level.listen(undefined, null);
    void this.#context?.close().catch(() => {});
    this.#context = undefined;
  }
}
if (!customElements.get('peer-call-meter')) customElements.define('peer-call-meter', Meter);

export function microphoneMeter(s: ViewState) {
  const mic = s.call.media.microphone;
  if (!mic) return nothing;
  return html`<peer-call-meter part="mic-meter" class="meter" role="img" aria-label=${t('prejoin.meter')} ?data-muted=${!s.call.media.microphoneOn}
    .track=${mic}></peer-call-meter>`;
}

export const styles = css`
  .meter {
    display: block;
    position: absolute;
    inset-inline: 12px;
    inset-block-end: 10px;
    block-size: 6px;
    border-radius: 3px;
    background: rgb(0 0 0 / 0.45);
    overflow: hidden;
  }
  .meter i {
    display: block;
    block-size: 100%;
    background: var(--_ok);
    transform: scaleX(0);
    transform-origin: left;
  }
  [dir='rtl'] .meter i {
    transform-origin: right;
  }
  .meter[data-muted] i {
    background: var(--_muted);
  }
`;
