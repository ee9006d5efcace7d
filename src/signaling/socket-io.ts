/**
 * SignalingAdapter for the reference server (wire protocol v1 over Socket.IO,
 * see docs/protocol.md).
 *
 * Reconnects on its own with backoff when the connection drops, and joins
 * again under the same peer id (the server's resume secret), so calls that are
 * already up are not disturbed by a signaling outage.
 */
import { io, type Socket } from 'socket.io-client';
import {
  SignalingError,
  type JoinInfo,
  type JoinOptions,
  type SignalingAdapter,
  type SignalingErrorCode,
  type SignalingHandlers,
  type SignalMessage,
} from './adapter.js';
import type { Answer, ClientToServerEvents, HostRequest, JoinAccepted, JoinRequest, ServerToClientEvents } from './protocol.js';
import { t } from '../strings.js';

export interface SocketIoSignalingOptions {
  /** How long to wait for the server to answer a join, in ms. Default 10 s. */
  timeoutMs?: number;
  /** Longest wait between reconnection attempts, in ms. Default 5 s. */
  reconnectionDelayMax?: number;
  /**
   * The URL is a guess (no `server` was set and no peer-call.js script tag named one): when
   * nothing answers there, the error says that the server is not configured, not that the
   * network is down.
   */
  guessedServer?: boolean;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

function toInfo(answer: JoinAccepted): JoinInfo {
  return {
    self: answer.self,
    peers: answer.peers,
    iceServers: answer.iceServers,
    room: answer.room,
    ...(answer.iceServersTtl !== undefined && { iceServersTtl: answer.iceServersTtl }),
  };
}

export class SocketIoSignaling implements SignalingAdapter {
  #socket: ClientSocket | undefined;
  #resume: string | undefined;
  #joined = false;
  /** Rejects the join under way: leave() during a join settles it at once. */
  #abortJoin: (() => void) | undefined;

  /** @param url the reference server, e.g. `https://call.example.com` */
  constructor(
    readonly url: string,
    private readonly options: SocketIoSignalingOptions = {},
  ) {}

  /** How long to wait for the server: to connect, and to answer a request. */
  get #timeout(): number {
    return this.options.timeoutMs ?? 10_000;
  }

  #connect(): ClientSocket {
    return io(this.url, {
      forceNew: true,
      // WebSocket first: every signaling hop of call setup then costs a frame,
      // not a long-polling round trip (it made call setup ~2x slower). Where
      // WebSockets are blocked (or refused), fall back to long-polling.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      timeout: this.#timeout,
      reconnectionDelay: 500,
      reconnectionDelayMax: this.options.reconnectionDelayMax ?? 5_000,
    });
  }

  /**
   * Opens the connection ahead of `join` (the element calls it while the user
   * looks at the preview), so that joining costs one message, not a handshake.
   */
  prepare(): void {
    if (!this.#socket) this.#socket = this.#connect();
  }

  async join(options: JoinOptions, handlers: SignalingHandlers): Promise<JoinInfo> {
    const timeout = this.#timeout;
    // Reuse a prepared connection that is up; otherwise start afresh (a failed
    // one would only retry after its backoff).
    let socket = this.#socket;
    if (!socket || this.#joined || !socket.connected) {
      this.leave();
      socket = this.#socket = this.#connect();
    }
    const request: JoinRequest = { room: options.room, name: options.name, ...(options.token && { token: options.token }) };
    // The room's host state, a host's request, a removal (a denial in the lobby, before the
    // join resolves): the Call's business (RoomEvents).
    for (const event of ['room', 'host-request', 'removed'] as const) socket.on(event, ((payload: never) => handlers.room?.(event, payload)) as never);

    const answer = await new Promise<JoinAccepted>((resolve, reject) => {
      const fail = (error: SignalingError) => {
        if (this.#abortJoin === abort) this.#abortJoin = undefined;
        socket.off('connect', onConnect);
        socket.off('connect_error', onConnectError);
        socket.disconnect();
        reject(error);
      };
      const abort = () => fail(new SignalingError('refused', 'left before the join completed'));
      this.#abortJoin = abort;
      const onConnectError = (err: Error & { description?: unknown; context?: unknown }) => {
        // The server's reason, on the long-polling handshake's 403 (the last transport tried).
        const body = String((err.context as { responseText?: unknown } | undefined)?.responseText ?? '');
        if (/too-many-connections|connecting-too-fast/.test(body)) {
          fail(new SignalingError('refused', t('signaling.busy', { url: this.url }), t('hint.busy')));
        } else if (err.description === 403 || /origin not allowed/.test(String(err.message))) {
          fail(new SignalingError('origin-refused', t('signaling.originRefused', { url: this.url, origin: location.origin })));
        } else if (this.options.guessedServer) {
          const error = new SignalingError('unreachable', t('signaling.noServer', { url: this.url }), t('hint.noServer'));
          console.warn(`<peer-call>: ${error.message} ${error.hint}`);
          fail(error);
        } else {
          fail(new SignalingError('unreachable', t('signaling.unreachable', { url: this.url })));
        }
      };
      const onConnect = async () => {
        socket.off('connect_error', onConnectError);
        try {
          const a = await socket.timeout(timeout).emitWithAck('join', request);
          if (socket !== this.#socket) return; // left meanwhile: already rejected
          if (a.ok && 'waiting' in a) {
            // The lobby: wait for a host (no timeout; the server's idle timeout ends it). Admitted,
            // or reconnected meanwhile, join again as the same peer.
            request.resume = a.resume;
            handlers.room?.('waiting', a.self);
            const again = () => {
              socket.off('admitted', again).off('connect', again);
              void onConnect();
            };
            return void socket.once('admitted', again).once('connect', again);
          }
          if (a.ok) {
            this.#abortJoin = undefined;
            return resolve(a);
          }
          const code = /^(room-full|unauthorized|room-locked|removed)$/.test(a.error.code) ? (a.error.code as SignalingErrorCode) : 'refused';
          fail(new SignalingError(code, a.error.message));
        } catch {
          if (socket === this.#socket) fail(new SignalingError('unreachable', t('signaling.noAnswer')));
        }
      };
      if (socket.connected) void onConnect();
      else {
        socket.once('connect', onConnect);
        socket.once('connect_error', onConnectError);
      }
    });
    if (socket !== this.#socket) throw new SignalingError('refused', 'left before the join completed');
    this.#resume = answer.resume;
    this.#joined = true;

    socket.on('peer-joined', (peer) => handlers.peerJoined(peer));
    socket.on('peer-left', ({ id, reason }) => handlers.peerLeft(id, reason === 'timeout' ? 'timeout' : 'left'));
    socket.on('signal', ({ from, description, candidate }) => {
      if (description) handlers.signal(from, { description });
      else if (candidate) handlers.signal(from, { candidate });
    });
    socket.on('server-shutdown', () => handlers.status('reconnecting', t('signaling.restarting')));
    socket.on('replaced', () => handlers.status('closed', t('signaling.replaced')));
    socket.on('disconnect', (reason) => {
      this.#joined = false;
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect') handlers.status('closed', t('signaling.serverClosed'));
      else handlers.status('reconnecting', t('signaling.lost'));
    });
    // Every reconnection: join again under the same id.
    socket.on('connect', async () => {
      try {
        const again = await socket.timeout(timeout).emitWithAck('join', { ...request, resume: this.#resume! });
        if (socket !== this.#socket) return;
        if (!again.ok) {
          handlers.status('closed', again.error.message);
          socket.disconnect();
          return;
        }
        this.#resume = again.resume;
        this.#joined = true;
        handlers.status('connected');
        handlers.rejoined(toInfo(again));
      } catch {
        // No answer: the connection is broken again, and 'disconnect' follows.
      }
    });
    return toInfo(answer);
  }

  send(to: string, message: SignalMessage): void {
    // While reconnecting, Socket.IO would buffer and replay these before the
    // re-join; they would be refused. Renegotiation after the re-join covers them.
    if (this.#joined) this.#socket?.emit('signal', { to, ...message });
  }

  leave(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#joined = false;
    this.#abortJoin?.();
    if (!socket) return;
    socket.removeAllListeners();
    if (socket.connected) socket.emit('leave');
    socket.disconnect();
  }

  /** A host's action (docs/protocol.md, `host`): the server's answer, a refusal included. */
  host(request: HostRequest): Promise<Answer> {
    return this.#socket!.timeout(this.#timeout).emitWithAck('host', request);
  }

  async refreshIceServers(): Promise<Pick<JoinInfo, 'iceServers' | 'iceServersTtl'>> {
    const socket = this.#socket;
    if (!socket?.connected) throw new SignalingError('unreachable', 'not connected to the call server');
    const a = await socket.timeout(this.#timeout).emitWithAck('refresh-ice');
    if (!a.ok) throw new SignalingError('refused', a.error.message);
    return { iceServers: a.iceServers, ...(a.iceServersTtl !== undefined && { iceServersTtl: a.iceServersTtl }) };
  }
}
