/**
 * SignalingAdapter for tabs (and elements) of one browser, with no server at
 * all: peers find each other over a BroadcastChannel named after the room.
 * Same-origin only, by the nature of BroadcastChannel. Used by
 * `<peer-call signaling="local">`.
 */
import type { JoinInfo, JoinOptions, SignalingAdapter, SignalingHandlers, SignalMessage } from './adapter.js';

type Wire =
  | { v: 1; type: 'hello' | 'here'; from: string; name: string; to?: string }
  | { v: 1; type: 'bye'; from: string }
  | { v: 1; type: 'signal'; from: string; to: string; message: SignalMessage };

const randomId = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
};

const isString = (x: unknown, max = 256): x is string => typeof x === 'string' && x.length > 0 && x.length <= max;

export class BroadcastChannelSignaling implements SignalingAdapter {
  #channel: BroadcastChannel | undefined;
  #id = '';
  #known = new Set<string>();
  #onPageHide = () => this.leave();

  async join(options: JoinOptions, handlers: SignalingHandlers): Promise<JoinInfo> {
    this.leave();
    const id = (this.#id = randomId());
    const channel = (this.#channel = new BroadcastChannel(`peer-call/v1/${options.room}`));
    const post = (m: Wire) => channel.postMessage(m);
    channel.onmessage = ({ data }: MessageEvent<Wire>) => {
      // Only same-origin pages can post here, but they are still not trusted to be well-formed.
      if (!data || data.v !== 1 || !isString(data.from) || data.from === id) return;
      if ((data.type === 'hello' || data.type === 'here') && isString(data.name, 64)) {
        if (data.type === 'here' && data.to !== id) return;
        if (data.type === 'hello') post({ v: 1, type: 'here', from: id, name: options.name, to: data.from });
        if (!this.#known.has(data.from)) {
          this.#known.add(data.from);
          // 'here' answers our hello: that peer was in the room first.
          handlers.peerJoined({ id: data.from, name: data.name }, data.type === 'here');
        }
      } else if (data.type === 'bye') {
        if (this.#known.delete(data.from)) handlers.peerLeft(data.from);
      } else if (data.type === 'signal' && data.to === id && data.message && typeof data.message === 'object') {
        if (!this.#known.has(data.from)) return;
        const m = data.message;
        if ('description' in m && m.description && typeof m.description.sdp === 'string') handlers.signal(data.from, { description: m.description });
        else if ('candidate' in m && m.candidate && typeof m.candidate.candidate === 'string') handlers.signal(data.from, { candidate: m.candidate });
      }
    };
    post({ v: 1, type: 'hello', from: id, name: options.name });
    addEventListener('pagehide', this.#onPageHide);
    handlers.status('connected');
    // Members answer "here" and are reported through peerJoined (as earlier).
    return { self: { id, name: options.name }, peers: [], iceServers: [] };
  }

  send(to: string, message: SignalMessage): void {
    this.#channel?.postMessage({ v: 1, type: 'signal', from: this.#id, to, message } satisfies Wire);
  }

  leave(): void {
    const channel = this.#channel;
    if (!channel) return;
    this.#channel = undefined;
    removeEventListener('pagehide', this.#onPageHide);
    channel.postMessage({ v: 1, type: 'bye', from: this.#id } satisfies Wire);
    channel.close();
    this.#known.clear();
  }
}
