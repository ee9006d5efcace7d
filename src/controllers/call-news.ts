/**
 * What is news in a call — someone joined, left, raised a hand or reacted, a link is in trouble, a chat message or a file offer came — in
 * the catalog's words, for the two that tell the user: the toasts (seen) and the announcer
 * (heard). One place turns the Call's events into those sentences.
 */
import type { Call } from '../call/call.js';
import { ChatMessageEvent, FileEvent, PeerJoinedEvent, PeerLeftEvent, ReactionEvent, StateChangeEvent } from '../events.js';
import { t, type StringKey, type StringParams } from '../strings.js';

/** A piece of news; its `text` is said when read, in the language the element speaks then (its catalog may come after the news). */
export type News = { kind: 'joined' | 'left' | 'hand' | 'reaction' | 'file' | 'trouble' | 'host'; readonly text: string } | { kind: 'message'; readonly text: string; own: boolean };

/** Calls `listener` with each piece of news; a chat message's text goes through `preview` (how much of it to say). */
export function onNews(call: Call, listener: (news: News) => void, preview: (text: string) => string): void {
  const say = (kind: Exclude<News['kind'], 'message'>, key: StringKey, params: StringParams) => listener({ kind, get text() { return t(key, params); } });
  call.addEventListener(PeerJoinedEvent.type, (e) => say('joined', 'announce.joined', { name: (e as PeerJoinedEvent).peer.name }));
  call.addEventListener(PeerLeftEvent.type, (e) => say('left', 'announce.left', { name: (e as PeerLeftEvent).peer.name }));
  // Each link's last state: trouble is news once, when it starts (a recovery's steps are not).
  const links = new Map<string | undefined, string>();
  call.addEventListener(StateChangeEvent.type, (e) => {
    const s = e as StateChangeEvent;
    // The room's hosts: the name (if any) comes with the news (who knocks is no peer yet).
    if (s.subject === 'host') return say('host', `announce.host.${s.state}` as StringKey, { name: s.detail ?? '' });
    const name = call.peers.find((p) => p.id === s.peerId)?.name;
    if (!name) return;
    if (s.subject === 'hand' && s.state === 'raised') say('hand', 'announce.hand', { name });
    if (s.subject === 'link' && links.get(s.peerId) !== s.state) {
      links.set(s.peerId, s.state);
      if (s.state === 'reconnecting' || s.state === 'failed') say('trouble', `announce.${s.state}`, { name });
    }
  });
  call.addEventListener(ReactionEvent.type, (e) => {
    const r = e as ReactionEvent;
    const name = call.peers.find((p) => p.id === r.peerId)?.name;
    if (name) say('reaction', 'announce.reaction', { name, reaction: r.reaction });
  });
  call.addEventListener(FileEvent.type, (e) => {
    const f = (e as FileEvent).transfer;
    if (f.direction === 'receive' && f.state === 'offered') say('file', 'announce.file', { name: f.peerName, file: f.name });
  });
  call.addEventListener(ChatMessageEvent.type, (e) => {
    const m = (e as ChatMessageEvent).message;
    const text = preview(m.text);
    listener({ kind: 'message', own: m.own, get text() { return t('announce.message', { name: m.name, text }); } });
  });
}
