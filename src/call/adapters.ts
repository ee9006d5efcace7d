/**
 * Which SignalingAdapter a Call uses. The Socket.IO adapter is loaded through a
 * dynamic import: a bundler app that passes its own adapter (or `local`) never
 * ships socket.io-client. The script-tag bundle inlines the import (rollup's
 * inlineDynamicImports), so there it costs a microtask, not a request.
 */
import type { SignalingAdapter } from '../signaling/adapter.js';
import { BroadcastChannelSignaling } from '../signaling/broadcast-channel.js';
import { defaultServer } from '../default-server.js';
import type { CallOptions } from './call-types.js';

export async function resolveAdapter(options: Pick<CallOptions, 'signaling' | 'server'>): Promise<SignalingAdapter> {
  const s = options.signaling;
  if (s && typeof s === 'object') return s;
  if (s === 'local') return new BroadcastChannelSignaling();
  const { SocketIoSignaling } = await import('../signaling/socket-io.js');
  return new SocketIoSignaling(options.server || defaultServer());
}
