/**
 * What a screen reader hears of the call: who joined or left or raised a hand, and
 * chat messages from others, through one polite live region the view renders.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { ChatMessageEvent, PeerJoinedEvent, PeerLeftEvent, StateChangeEvent } from '../events.js';
import { t } from '../strings.js';
import type { RenderBatchController } from './render-batch.js';

export class AnnouncerController implements ReactiveController {
  /** The live region's text. */
  text = '';
  #batch: RenderBatchController;

  constructor(host: ReactiveControllerHost, call: Call, batch: RenderBatchController) {
    this.#batch = batch;
    call.addEventListener(PeerJoinedEvent.type, (e) => this.announce(t('announce.joined', { name: (e as PeerJoinedEvent).peer.name })));
    call.addEventListener(PeerLeftEvent.type, (e) => this.announce(t('announce.left', { name: (e as PeerLeftEvent).peer.name })));
    call.addEventListener(StateChangeEvent.type, (e) => {
      const s = e as StateChangeEvent;
      const name = s.subject === 'hand' && s.state === 'raised' && call.peers.find((p) => p.id === s.peerId)?.name;
      if (name) this.announce(t('announce.hand', { name }));
    });
    call.addEventListener(ChatMessageEvent.type, (e) => {
      const m = (e as ChatMessageEvent).message;
      if (!m.own) this.announce(t('announce.message', { name: m.name, text: m.text.slice(0, 200) }));
    });
    host.addController(this);
  }

  announce(text: string): void {
    // Re-rendering the same text is not announced again; alternate a trailing space.
    this.text = this.text === text ? `${text} ` : text;
    this.#batch.soon();
  }

  hostConnected(): void {}
}
