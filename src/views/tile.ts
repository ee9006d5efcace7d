/** One video tile: this peer's own, or a remote peer's with its name, mute and link state. */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { PeerSnapshot } from '../call/call-types.js';
import { icon } from '../icons.js';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from './view-context.js';

const avatar = (name: string) => html`<div class="avatar"><span aria-hidden="true">${[...name.trim()][0]?.toUpperCase() ?? '?'}</span></div>`;

/** A tile's place in the order of raised hands (1 = raised first), or undefined while its hand is down. */
export type HandPosition = (raisedAt: number | undefined) => number | undefined;

/** The positions among these raise times (ours and the peers'; undefined: down), read once per render. */
export function handPositions(times: Array<number | undefined>): HandPosition {
  const raised = times.filter((x): x is number => x !== undefined);
  return (at) => (at === undefined ? undefined : raised.filter((x) => x < at).length + 1);
}

/** The raised hand (a view of the in-call part, like the reaction and the quality badge). */
function hand(s: ViewState, position: number | undefined) {
  return position === undefined ? nothing : (s.part('in-call')?.hand(position) ?? nothing);
}

/**
 * A tile's caption names it for screen readers (a figure is named by its figcaption): the
 * name, and the microphone muted and speaking now, in words.
 */
const muted = () => html`<span role="img" aria-label=${t('tile.micMuted')}>${icon('micOff')}</span>`;
const speaking = (now: boolean) => (now ? html`<span class="sr-only">${t('tile.speaking')}</span>` : nothing);

/** "Host" (the in-call part's badge) on a host's tile. */
const host = (s: ViewState, id: string | undefined) => (id && s.call.moderation?.hosts.includes(id) ? s.part('in-call')?.hostBadge() : nothing);

function reaction(s: ViewState, id: string | undefined) {
  const shown = id === undefined ? undefined : s.reactions.get(id);
  return shown ? (s.part('in-call')?.onTile(shown) ?? nothing) : nothing;
}

export function selfTile(s: ViewState, a: ViewActions, selfName: string, handAt: HandPosition, featured: string | undefined) {
  const m = s.call.media;
  const id = s.call.self?.id;
  return html`
    <figure part=${s.call.speaking ? 'tile tile-self tile-speaking' : 'tile tile-self'} class="tile" data-state="connected" ?data-speaking=${s.call.speaking}
      ?data-featured=${!!id && featured === id}>
      <video part="video" class=${m.screen ? '' : 'mirror'} ?data-screen=${!!m.screen} .srcObject=${live(m.stream)}
        muted .muted=${true} autoplay playsinline ?hidden=${!m.video} aria-label=${t('tile.yourVideo')}></video>
      ${!m.video ? avatar(selfName) : nothing}${reaction(s, id)}${id ? s.part('in-call')?.tileActions(s, a, id) : nothing}
      <figcaption part="tile-label" class="label">
        ${hand(s, handAt(s.call.handRaisedAt))}${m.microphone && !m.microphoneOn ? muted() : nothing}<span>${t('tile.you', { name: selfName })}</span>${host(s, id)}${speaking(s.call.speaking)}
      </figcaption>
    </figure>
  `;
}

export function remoteTile(s: ViewState, a: ViewActions, p: PeerSnapshot, handAt: HandPosition, featured: string | undefined) {
  const hasVideo = p.camera && p.stream.getVideoTracks().length > 0;
  // The stream goes to the video once it has tracks: a track added to a stream that a
  // video already plays makes Chromium rebuild the player there and then, on the main
  // thread (~4 ms a track on a loaded machine), while the link's answer is being applied.
  const stream = p.stream.getTracks().length > 0 ? p.stream : null;
  return html`
    <figure part=${p.speaking ? 'tile tile-remote tile-speaking' : 'tile tile-remote'} class="tile" data-peer=${p.id} data-state=${p.state} data-path=${p.path?.type ?? ''} ?data-speaking=${p.speaking} ?data-featured=${featured === p.id}>
      <video part="video" data-remote ?data-screen=${p.screen} .srcObject=${live(stream)} .muted=${s.audioBlocked}
        autoplay playsinline ?hidden=${!hasVideo} aria-label=${t('tile.videoOf', { name: p.name })}></video>
      ${!hasVideo ? avatar(p.name) : nothing}${reaction(s, p.id)}${s.part('in-call')?.tileActions(s, a, p.id)}
      <figcaption part="tile-label" class="label">
        ${hand(s, handAt(p.hand))}${!p.microphone ? muted() : nothing}
        <span>${p.name}</span>${host(s, p.id)}${speaking(p.speaking)}${p.stats && p.stats.quality !== 'good' ? s.part('in-call')?.quality(p.stats) : nothing}
        <span part="tile-status" class="status">${t(`link.${p.state}`)}</span>
      </figcaption>
    </figure>
  `;
}
