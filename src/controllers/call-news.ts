/**
 * What is news in a call — someone joined, left, raised a hand or reacted, a chat message or a file offer came — in
 * the catalog's words, for the two that tell the user: the toasts (seen) and the announcer
 * (heard). One place turns the Call's events into those sentences.
 */
import type { Call } from '../call/call.js';
import { ChatMessageEvent, FileEvent, PeerJoinedEvent, PeerLeftEvent, ReactionEvent, StateChangeEvent } from '../events.js';
import { t } from '../strings.js';

export type News = { kind: 'joined' | 'left' | 'hand' | 'reaction' | 'file'; text: string } | { kind: 'message'; text: string; own: boolean };

/** Calls `listener` with each piece of news; a chat message's text goes through `preview` (how much of it to say). */
export function onNews(call: Call, listener: (news: News) => void, preview: (text: string) => string): void {
  call.addEventListener(PeerJoinedEvent.type, (e) => listener({ kind: 'joined', text: t('announce.joined', { name: (e as PeerJoinedEvent).peer.name }) }));
  call.addEventListener(PeerLeftEvent.type, (e) => listener({ kind: 'left', text: t('announce.left', { name: (e as PeerLeftEvent).peer.name }) }));
  call.addEventListener(StateChangeEvent.type, (e) => {
    const s = e as StateChangeEvent;
    const name = s.subject === 'hand' && s.state === 'raised' && call.peers.find((p) => p.id === s.peerId)?.name;
    if (name) listener({ kind: 'hand', text: t('announce.hand', { name }) });
  });
  call.addEventListener(ReactionEvent.type, (e) => {
    const r = e as ReactionEvent;
    const name = call.peers.find((p) => p.id === r.peerId)?.name;
    if (name) listener({ kind: 'reaction', text: t('announce.reaction', { name, reaction: r.reaction }) });
  });
  call.addEventListener(FileEvent.type, (e) => {
    const f = (e as FileEvent).transfer;
    if (f.direction === 'receive' && f.state === 'offered') listener({ kind: 'file', text: t('announce.file', { name: f.peerName, file: f.name }) });
  });
  call.addEventListener(ChatMessageEvent.type, (e) => {
    const m = (e as ChatMessageEvent).message;
    listener({ kind: 'message', own: m.own, text: t('announce.message', { name: m.name, text: preview(m.text) }) });
  });
}
