/**
 * The hosts' views (part of the in-call part, src/parts/registry.ts): the host button and
 * panel in the control bar (lock, lobby, who waits, and each member's mute, camera and
 * remove), the prompt when someone knocks, the host badge on tiles, and what a newcomer
 * sees while it waits in the lobby. The server decides who is a host and enforces every
 * action (docs/protocol.md, "Hosts"); these only show what `call.moderation` says.
 */
import { css, html, nothing } from 'lit';
import { t, type StringKey } from '../strings.js';
import type { ViewActions, ViewState } from '../views/view-context.js';
import { focusAfterRender } from './focus.js';
import { icon } from './in-call-icons.js';
import { unreadBadge } from './chat-panel.js';

type HostAction = Parameters<ViewState['call']['moderate']>[0];

/** Whose panel is open, by Call (its own state: the element knows nothing of hosts). */
const opened = new WeakSet<object>();
/** Each Call's last refused action, shown in its panel until the next one. */
const refusals = new WeakMap<object, string>();

function act(s: ViewState, a: ViewActions, action: HostAction, peer?: string) {
  refusals.delete(s.call);
  s.call.moderate(action, peer).then(
    () => a.refresh(),
    (err: Error) => {
      refusals.set(s.call, t('host.refused', { reason: err.message }));
      a.refresh();
    },
  );
}

function setOpen(s: ViewState, a: ViewActions, open: boolean) {
  if (open) opened.add(s.call);
  else opened.delete(s.call);
  a.refresh();
}

const toggle = (s: ViewState, a: ViewActions, on: boolean, label: StringKey, part: string, action: HostAction, off: HostAction) =>
  html`<button part=${part} class="secondary" aria-pressed=${on ? 'true' : 'false'} @click=${() => act(s, a, on ? off : action)}>${t(label)}</button>`;

/**
 * An action on one person (`where`: the lobby prompt `w`, the waiting list `l`, the people
 * `p`): a short visible word, named with the person's name beside it ("Admit Kim": the visible
 * word stays the start of the name, in every language), the whole sentence as its tooltip.
 */
const onPeer = (s: ViewState, a: ViewActions, where: string, action: HostAction, id: string, name: string, word: StringKey, label: StringKey) =>
  html`<button part=${`host-${action}-button`} class="secondary" id=${`${where}-${action}-${id}`} aria-labelledby=${`${where}-${action}-${id} ${where}-${id}`}
    title=${t(label, { name })} @click=${() => act(s, a, action, id)}>${t(word)}</button>`;

/** The person's name, for their buttons' names. */
const who = (where: string, id: string, name: string) => html`<span id=${`${where}-${id}`}>${name}</span>`;

/** The control bar's host button: only for hosts; its count is how many wait in the lobby. */
export function hostButton(s: ViewState, a: ViewActions) {
  const m = s.call.moderation;
  if (!m?.host) return nothing;
  const waiting = m.waiting.length;
  const open = opened.has(s.call);
  return html`<button part="control host-button" class="control toggle" aria-expanded=${open ? 'true' : 'false'}
    aria-label=${waiting ? t('host.controlsWaiting', { count: waiting }) : t('host.controls')} title=${t('host.controls')}
    @click=${(e: Event) => {
      if (!open) focusAfterRender(e, '[part~="host-panel"] button');
      setOpen(s, a, !open);
    }}>${icon('host')}${waiting ? unreadBadge(waiting) : nothing}</button>`;
}

/** The host panel (open) or, when someone knocks and it is closed, the prompt to let them in. */
export function hostPanel(s: ViewState, a: ViewActions) {
  const m = s.call.moderation;
  if (!m?.host) return nothing;
  if (!opened.has(s.call)) {
    const first = m.waiting[0];
    return first
      ? html`<div part="lobby-prompt" class="settings host" role="group" aria-label=${t('host.waiting')}>
          <p>${t('announce.host.waiting', { name: first.name })}</p>
          <div class="row"><span hidden>${who('w', first.id, first.name)}</span>${onPeer(s, a, 'w', 'admit', first.id, first.name, 'host.admit', 'host.admitName')}
            ${onPeer(s, a, 'w', 'deny', first.id, first.name, 'host.deny', 'host.denyName')}</div>
        </div>`
      : nothing;
  }
  return html`<div part="host-panel" class="settings host" role="group" aria-label=${t('host.controls')}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      focusAfterRender(e, '[part~="host-button"]');
      setOpen(s, a, false);
    }}>
    <div class="row">
      ${toggle(s, a, m.locked, 'host.lock', 'host-lock-button', 'lock', 'unlock')}
      ${toggle(s, a, m.lobby, 'host.lobby', 'host-lobby-button', 'lobby-on', 'lobby-off')}
    </div>
    ${refusals.has(s.call) ? html`<p part="host-refused" role="alert">${refusals.get(s.call)}</p>` : nothing}
    ${m.waiting.length
      ? html`<h3>${t('host.waiting')}</h3>
          <ul part="lobby-list">${m.waiting.map(
            (p) => html`<li data-peer=${p.id}>${who('l', p.id, p.name)}${onPeer(s, a, 'l', 'admit', p.id, p.name, 'host.admit', 'host.admitName')}
              ${onPeer(s, a, 'l', 'deny', p.id, p.name, 'host.deny', 'host.denyName')}</li>`,
          )}</ul>`
      : nothing}
    <h3>${t('host.people')}</h3>
    <ul part="host-people">${s.call.peers.map((p) =>
      m.hosts.includes(p.id)
        ? html`<li data-peer=${p.id}><span>${p.name}</span> ${hostBadge()}</li>`
        : html`<li data-peer=${p.id}>${who('p', p.id, p.name)}
            ${p.microphone ? onPeer(s, a, 'p', 'mute', p.id, p.name, 'host.mute', 'host.muteName') : nothing}
            ${p.camera ? onPeer(s, a, 'p', 'camera-off', p.id, p.name, 'host.cameraOff', 'host.cameraOffName') : nothing}
            ${onPeer(s, a, 'p', 'remove', p.id, p.name, 'host.remove', 'host.removeName')}</li>`,
    )}</ul>
  </div>`;
}

/** "Host", on the tile of each host: everyone sees who the hosts are. */
export const hostBadge = () => html`<span part="host-badge" class="host-badge">${t('host.badge')}</span>`;

/** In the empty tile while we wait in the lobby: what is happening, and the way out. */
export const knocking = (a: ViewActions) =>
  html`<div part="lobby-wait" role="status">${t('announce.host.knocking')}</div>
    <button part="lobby-leave-button" class="secondary" @click=${a.leave}>${t('controls.leave')}</button>`;

export const styles = css`
  .host ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 4px;
  }
  .host li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
  }
  .host li > span:first-child {
    flex: 1;
    min-inline-size: 6em;
    overflow-wrap: anywhere;
  }
  .host h3,
  .host p {
    margin: 0;
    font-size: 13px;
  }
  .host-badge {
    font-size: 11px;
    padding: 0 6px;
    border-radius: 8px;
    background: var(--peer-call-accent, #2563eb);
    color: #fff;
  }
`;
