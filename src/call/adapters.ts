/**
 * Which SignalingAdapter a Call uses. The Socket.IO adapter is loaded through a
 * dynamic import: a bundler app that passes its own adapter (or `local`) never
 * loads socket.io-client. The script-tag bundle inlines that import (rollup's
 * inlineDynamicImports), so there it costs a microtask, not a request. The
 * BroadcastChannel adapter (`local`, tabs of one browser) is rarely the one: it
 * comes on demand (./later.ts), in the script-tag build as a file of its own.
 */
import type { SignalingAdapter } from '../signaling/adapter.js';
import type { BroadcastChannelSignaling } from '../signaling/broadcast-channel.js';
import { defaultServer } from '../default-server.js';
import type { CallOptions } from './call-types.js';
import { parts } from './later.js';

type Transport = Pick<CallOptions, 'signaling' | 'server'>;

type SocketIoModule = typeof import('../signaling/socket-io.js');
let socketIo: Promise<SocketIoModule> | undefined;
/** The module once loaded: then an adapter is made without waiting (see adapterNow). */
let socketIoLoaded: SocketIoModule | undefined;

let local: Promise<unknown> | undefined;
let localLoaded: typeof BroadcastChannelSignaling | undefined;

const usesSocketIo = (o: Transport) => !o.signaling || o.signaling === 'socket.io';

/** Starts loading the adapter `o` will need, so that it is there by the join. */
export function preloadAdapter(o: Transport): void {
  if (usesSocketIo(o)) socketIo ??= import('../signaling/socket-io.js').then((m) => (socketIoLoaded = m));
  else if (o.signaling === 'local') local ??= parts.local().then((m) => (localLoaded = m.BroadcastChannelSignaling));
}

/**
 * The adapter for `o` if it can be made at once (everything but a Socket.IO adapter whose
 * module is still loading). A join that gets one opens its connection in the same task:
 * a continuation after `await` would run behind the render that the join's state change
 * queued first (~30 ms on a page that is still loading).
 */
export function adapterNow(o: Transport): SignalingAdapter | undefined {
  const s = o.signaling;
  if (s && typeof s === 'object') return s;
  preloadAdapter(o);
  if (s === 'local') return localLoaded && new localLoaded();
  if (!socketIoLoaded) return undefined;
  if (o.server) return new socketIoLoaded.SocketIoSignaling(o.server);
  const { url, guessed } = defaultServer();
  return new socketIoLoaded.SocketIoSignaling(url, { guessedServer: guessed });
}

export async function resolveAdapter(o: Transport): Promise<SignalingAdapter> {
  const now = adapterNow(o);
  if (now) return now;
  await (o.signaling === 'local' ? local : socketIo);
  return adapterNow(o)!;
}
