/** The reference signaling server, as a library. */
export { attachSignaling, createSignalingServer, peerIdFromResume } from './app.js';
export type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions } from './app.js';
export { mintJoinToken, verifyJoinToken } from './tokens.js';
export type { JoinTokenClaims, MintOptions } from './tokens.js';
export { turnCredentials } from './turn.js';
export type { TurnOptions } from './turn.js';
export { MemoryRoomStore, StoreUnavailable } from './rooms.js';
export type { Member, RoomStore, JoinResult, StoreHooks } from './rooms.js';
export { RedisRoomStore, createRedisScaleOut } from './redis.js';
export type { RedisRoomStoreOptions, RedisScaleOutOptions, RedisScaleOut } from './redis.js';
export { loadConfig, SETTINGS } from './config.js';
export type * from '../../src/signaling/protocol.js';
