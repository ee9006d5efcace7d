/**
 * Which SignalingAdapter a Call uses. The Socket.IO adapter is loaded through a
 * dynamic import: a bundler app that passes its own adapter (or `local`) never
 * loads socket.io-client. The script-tag bundle inlines the import (rollup's
 * inlineDynamicImports), so there it costs a microtask, not a request.
 */
import type { SignalingAdapter } from '../signaling/adapter.js';
import { BroadcastChannelSignaling } from '../signaling/broadcast-channel.js';
import { defaultServer } from '../default-server.js';
import type { CallOptions } from './call-types.js';

type Transport = Pick<CallOptions, 'signaling' | 'server'>;

let socketIo: Promise<typeof import('../signaling/socket-io.js')> | undefined;

const usesSocketIo = (o: Transport) => !o.signaling || o.signaling === 'socket.io';

/** Starts loading the Socket.IO adapter when `o` will need it, so that it is there by the join. */
export function preloadAdapter(o: Transport): void {
  if (usesSocketIo(o)) socketIo ??= import('../signaling/socket-io.js');
}

export async function resolveAdapter(o: Transport): Promise<SignalingAdapter> {
  const s = o.signaling;
  if (s && typeof s === 'object') return s;
  if (s === 'local') return new BroadcastChannelSignaling();
  preloadAdapter(o);
  const { SocketIoSignaling } = await socketIo!;
  if (o.server) return new SocketIoSignaling(o.server);
  const { url, guessed } = defaultServer();
  return new SocketIoSignaling(url, { guessedServer: guessed });
}
