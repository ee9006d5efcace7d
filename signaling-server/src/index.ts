/** The reference signaling server, as a library. */
export { createSignalingServer, peerIdFromResume } from './app.js';
export type { SignalingServer, SignalingServerOptions } from './app.js';
export { mintJoinToken, verifyJoinToken } from './tokens.js';
export type { JoinTokenClaims, MintOptions } from './tokens.js';
export { turnCredentials } from './turn.js';
export type { TurnOptions } from './turn.js';
export { MemoryRoomStore } from './rooms.js';
export type { Member, RoomStore, JoinResult } from './rooms.js';
export { loadConfig, SETTINGS } from './config.js';
export type * from '../../src/signaling/protocol.js';
